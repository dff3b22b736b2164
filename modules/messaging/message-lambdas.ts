/**
 * The environment's four message handlers, each fed by a channel of `<env>-data` that it finds
 * by name: the staging-area submitter, the CNM-R consumer, the CNM-S sender to the DAAC and the
 * CNES batcher. Each gets exactly the bucket prefixes, table, stream and key it uses.
 *
 * Those that submit HySDS jobs run in the VPC (Mozart has a private address and a self-signed
 * certificate) in a security group that the core cluster lets reach Mozart on 443.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { BACKLOG_DIMENSION, BACKLOG_METRIC, BACKLOG_NAMESPACE } from '../../lambdas/cnes-batcher/backlog-metric';
import { CNES_BATCHER_ENV, CNES_BATCHER_RESERVED_CONCURRENCY, DEFAULT_MAX_ARCHIVES_PER_CNM_S } from '../../lambdas/cnes-batcher/contract';
import { CNM_R_CONSUMER_ENV } from '../../lambdas/cnm-r-consumer/contract';
import { CNM_S_SENDER_ENV } from '../../lambdas/cnm-s-sender/contract';
import type { MozartSources, MozartValues } from '../../lambdas/shared/mozart-contract';
import { STAGING_SUBMIT_ENV } from '../../lambdas/staging-submit/contract';
import { BundledFunction } from '../lambda/bundled-function';
import { PREFIXES, type Naming } from '../naming';
import { EnvironmentKeyReference } from '../iam/environment-key';
import { BucketReference } from '../storage/bucket-access';
import { IdempotencyTableReference } from './idempotency-table';

export interface MessageLambdasProps {
  readonly config: EnvironmentConfig;
  readonly naming: Naming;
  /** The environment key (found by its alias; `<env>-data` owns it). */
  readonly kmsKeyArn: string;
  /** Mozart's base URL, `https://<address>`. */
  readonly mozartUrl: string;
  /** Days the functions' logs are kept. */
  readonly logRetentionDays: number;
}

/** Concurrent invocations per SQS source when lambdas.sqsMaximumConcurrency is not set. */
export const DEFAULT_SQS_MAXIMUM_CONCURRENCY = 5;

/**
 * How the job-submitting handlers reach Mozart at `url` (lambdas/shared/mozart-contract.ts
 * MOZART_ENV), and check its certificate (tls.mozart): against the configured CA, not at all by the
 * named setting (check rule PCM-TLS-1 reports it), or against the public CAs.
 */
export function mozartConnection(config: EnvironmentConfig, url: string): MozartConnection {
  const tls = config.tls?.mozart;
  const values: MozartValues = tls && 'caCertificate' in tls ? { url, caCertificate: tls.caCertificate } : tls && 'verify' in tls ? { url, insecureTls: true } : { url };
  return { values, sources: { caCertificate: 'tls.mozart.caCertificate', insecureTls: 'tls.mozart.verify' } };
}

/** A handler's Mozart variables, and the config fields they came from (for the contract's messages). */
export interface MozartConnection {
  readonly values: MozartValues;
  readonly sources: MozartSources;
}

/** Seconds a handler may run; the queues' visibility timeout (360 s) is six times this. */
const TIMEOUT_SECONDS = 60;

/** Consecutive runs over which a growing CNES backlog alarms. */
const CNES_BACKLOG_GROWTH_RUNS = 3;
export class MessageLambdas extends Construct {
  /** The security group of the functions that call Mozart; allow it in on 443. */
  readonly mozartClients: SecurityGroup;
  readonly functions: BundledFunction[] = [];

  constructor(scope: Construct, id: string, props: MessageLambdasProps) {
    super(scope, id);
    const { config, naming, kmsKeyArn } = props;
    const { daac, cnes } = config.cnm;
    const bucket = (purpose: Parameters<Naming['bucketArn']>[0]) => BucketReference.of(naming, purpose);
    const table = naming.idempotencyTableArn();
    const mozart = mozartConnection(config, props.mozartUrl);
    // Every queue-fed function: at most this many at once (caps the load on Mozart).
    const sqs = { kmsKeyArn, maxConcurrency: config.lambdas?.sqsMaximumConcurrency ?? DEFAULT_SQS_MAXIMUM_CONCURRENCY };

    this.mozartClients = new SecurityGroup(this, 'mozart-clients', {
      name: naming.resource('mozart-clients', 'securityGroup'),
      description: 'Lambdas that submit HySDS jobs to Mozart',
      vpcId: config.network.vpcId,
      // Out to Mozart and to the AWS APIs (S3, SQS, DynamoDB) over HTTPS only; nothing comes in.
      egress: [{ description: 'HTTPS to Mozart and AWS APIs', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'] }],
    });
    const vpc = { subnetIds: config.network.privateSubnetIds, securityGroupIds: [this.mozartClients.id] };

    const idempotency = new IdempotencyTableReference(table).grantItems('RecordsProcessedMessages');
    const useKey = new EnvironmentKeyReference(kmsKeyArn).grantEncryptDecrypt('UsesEnvironmentKey');
    const fn = (name: string, lambda: ConstructorParameters<typeof BundledFunction>[2]['lambda'], rest: Omit<ConstructorParameters<typeof BundledFunction>[2], 'lambda' | 'functionName' | 'logRetentionDays' | 'kmsKeyArn' | 'accountId' | 'timeoutSeconds'>) => {
      const f = new BundledFunction(this, name, {
        lambda,
        functionName: naming.resource(name, 'lambda'),
        logRetentionDays: props.logRetentionDays,
        kmsKeyArn,
        accountId: config.aws.accountId,
        timeoutSeconds: TIMEOUT_SECONDS,
        ...rest,
      });
      this.functions.push(f);
      return f;
    };
    const queueArn = (channel: Parameters<Naming['queue']>[0]) => naming.queueArn(naming.queue(channel));

    // ---- Staging area -> HySDS job ---------------------------------------------------------
    fn('staging-submit', 'staging-submit', {
      vpc,
      environment: STAGING_SUBMIT_ENV.write(
        {
          mozart: mozart.values,
          datasetBucket: naming.bucket('dataset'),
          prefix: config.stagingArea.prefix,
          suffix: config.stagingArea.suffix,
          job: { type: config.stagingArea.jobType, release: config.stagingArea.release ?? config.release.pcmRelease, queue: config.stagingArea.queue },
          idempotencyTable: naming.idempotencyTable(),
        },
        {
          mozart: mozart.sources,
          prefix: 'stagingArea.prefix',
          suffix: 'stagingArea.suffix',
          job: { type: 'stagingArea.jobType', release: config.stagingArea.release ? 'stagingArea.release' : 'release.pcmRelease', queue: 'stagingArea.queue' },
        },
      ),
      statements: [
        bucket('dataset').grantRead('ReadsSignalFiles', config.stagingArea.prefix),
        idempotency,
        useKey,
      ],
    }).addSqsSource(queueArn('staging'), sqs);

    // ---- CNM-R (DAAC topic and CNES files) -> record + HySDS job ----------------------------
    if (daac || cnes) {
      fn('cnm-r-consumer', 'cnm-r-consumer', {
        vpc,
        environment: CNM_R_CONSUMER_ENV.write(
          {
            mozart: mozart.values,
            messagesBucket: naming.bucket('messages'),
            cnmRPrefix: PREFIXES.cnmR,
            recordPrefix: PREFIXES.cnmRRecords,
            job: { type: config.cnm.responseJob.jobType, release: config.release.pcmRelease, queue: config.cnm.responseJob.queue },
            idempotencyTable: naming.idempotencyTable(),
          },
          { mozart: mozart.sources, job: { type: 'cnm.responseJob.jobType', release: 'release.pcmRelease', queue: 'cnm.responseJob.queue' } },
        ),
        statements: [
          bucket('messages').grantRead('ReadsResponses', PREFIXES.cnmR),
          bucket('messages').grantPut('RecordsResponses', PREFIXES.cnmRRecords),
          idempotency,
          useKey,
        ],
      }).addSqsSource(queueArn('cnm-r'), sqs);
    }

    // ---- New archive -> CNM-S on the DAAC's stream ------------------------------------------
    if (daac) {
      const external = daac.cnmS.stream === 'external' ? daac.cnmS : undefined;
      const streamArn = external ? external.streamArn : naming.cnmStreamArn();
      fn('cnm-s-sender', 'cnm-s-sender', {
        environment: CNM_S_SENDER_ENV.write(
          {
            archiveBucket: naming.bucket('archive'),
            outgoingPrefix: PREFIXES.outgoing,
            streamArn,
            streamRoleArn: external?.roleArn,
            cnmVersion: config.cnm.version,
            provider: naming.venue,
            idempotencyTable: naming.idempotencyTable(),
          },
          { streamArn: external ? 'cnm.daac.cnmS.streamArn' : undefined, streamRoleArn: 'cnm.daac.cnmS.roleArn', cnmVersion: 'cnm.version' },
        ),
        statements: [
          bucket('archive').grantRead('ReadsArchives', PREFIXES.outgoing),
          // The DAAC's own stream is written as the DAAC's role; the stand-in directly.
          external
            ? { Sid: 'AssumesDaacWriterRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: external.roleArn }
            : { Sid: 'WritesStandInStream', Effect: 'Allow', Action: 'kinesis:PutRecord', Resource: streamArn },
          idempotency,
          useKey,
        ],
      }).addSqsSource(queueArn('cnm-s-outbox'), sqs);
    }

    // ---- Every N minutes: one CNM-S for CNES listing the new archives -------------------------
    if (cnes) {
      const batcher = fn('cnes-batcher', 'cnes-batcher', {
        // One run at a time (stacks/reserved-concurrency.ts, which the deploy guard checks against the quota).
        reservedConcurrency: CNES_BATCHER_RESERVED_CONCURRENCY,
        asyncFailureQueueArn: queueArn('failed-invocations'),
        environment: CNES_BATCHER_ENV.write(
          {
            archiveBucket: naming.bucket('archive'),
            outgoingPrefix: PREFIXES.outgoing,
            messagesBucket: naming.bucket('messages'),
            cnmSPrefix: PREFIXES.cnmS,
            statePrefix: PREFIXES.cnesBatcherState,
            cnmVersion: config.cnm.version,
            provider: naming.venue,
            collection: naming.resource('archives'),
            // A backlog is announced in several CNM-S of at most this many archives each.
            maxArchivesPerCnmS: DEFAULT_MAX_ARCHIVES_PER_CNM_S,
          },
          { cnmVersion: 'cnm.version' },
        ),
        statements: [
          bucket('archive').grantList('ListsArchives', [PREFIXES.outgoing]),
          bucket('messages').grantList('ListsLedger', [PREFIXES.cnesBatcherState]),
          // The batcher's own state: it replaces and removes it, and reads nothing else there.
          bucket('messages').grantObjects('KeepsLedger', ['read', 'put', 'delete'], PREFIXES.cnesBatcherState),
          bucket('messages').grantPut('WritesCnmS', PREFIXES.cnmS),
          useKey,
        ],
      });
      batcher.addSchedule(`rate(${cnes.batchIntervalMinutes} ${cnes.batchIntervalMinutes === 1 ? 'minute' : 'minutes'})`, 'One CNM-S for CNES listing every new archive');

      // Each run logs its backlog as an EMF line (no PutMetricData permission needed). A backlog
      // left after a run is normal while a large one drains; one that grows run after run means the
      // batcher cannot keep up (or is stuck), and newer archives are not reaching CNES.
      const period = cnes.batchIntervalMinutes * 60;
      // CloudWatch caps evaluation periods x period at one day.
      const runs = Math.max(1, Math.min(CNES_BACKLOG_GROWTH_RUNS, Math.floor(86400 / period)));
      new CloudwatchMetricAlarm(this, 'cnes-backlog-growing', {
        alarmName: `${batcher.functionName}-backlog-growing`,
        alarmDescription: `The archives waiting for a CNM-S to CNES grew over ${runs} consecutive runs of ${batcher.functionName}: it does not keep up with outgoing/. Read its log group.`,
        metricQuery: [
          {
            id: 'backlog',
            metric: { namespace: BACKLOG_NAMESPACE, metricName: BACKLOG_METRIC, dimensions: { [BACKLOG_DIMENSION]: batcher.functionName }, period, stat: 'Maximum' },
            returnData: false,
          },
          { id: 'growth', expression: 'DIFF(backlog)', label: 'Backlog growth since the previous run', returnData: true },
        ],
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        evaluationPeriods: runs,
        datapointsToAlarm: runs,
        treatMissingData: 'notBreaching',
        alarmActions: [naming.topicArn('alerts')],
        okActions: [naming.topicArn('alerts')],
      });
    }
  }
}
