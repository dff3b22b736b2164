/**
 * The environment config schema: the single source of truth.
 *
 * The loader validates `environments/<env>.yaml` against it, the wizard derives its questions and
 * defaults from it (through the presets), the template takes every comment from the descriptions
 * below, `environment.schema.json` is emitted from it for editors, and the stacks consume the
 * `EnvironmentConfig` type it infers. Objects are strict so a mistyped field name is an error,
 * not a silently ignored setting. "Not set" is an absent field, never a placeholder string.
 */
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { AMI_COMPONENTS } from '../amis/components';
import * as f from './formats';
import { ENVIRONMENT_KINDS } from './kinds';

/** A whole number in a range; the one error text says the range, whatever the mistake. */
function whole(expectation: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.int({ error: expectation }).min(min, { error: expectation }).max(max, { error: expectation });
}
const count = (unit: string) => whole(`a whole number of ${unit} >= 0`, 0);
const volumeGiB = whole('a whole number of GiB from 8 to 16384', 8, 16384);

const coreInstance = z.strictObject({
  instanceType: f.instanceType.describe('EC2 instance type.'),
  rootVolumeGiB: volumeGiB.describe('Size of the encrypted root volume in GiB.'),
  allowImdsV1: z
    .literal(true, { error: 'true, or leave it out' })
    .optional()
    .describe("Accept IMDSv1 on this instance even though the AMI catalog says its image works with IMDSv2 only (default: tokens required exactly where the image's build metadata says it is ready)."),
});

export const amiSource = z.union(
  [
    z.strictObject({ amiId: f.amiId.describe('An AMI id to use as is.') }),
    z.strictObject({
      ssmParameter: f.ssmParameterName.describe('An SSM parameter holding the AMI id, resolved at deploy time.'),
    }),
  ],
  { error: 'either {amiId: "ami-..."} or {ssmParameter: "/path"}' },
);

const sharedBucket = z.enum(['dataset', 'archive', 'messages', 'triage', 'code'], {
  error: 'one of dataset, archive, messages, triage, code',
});

const STREAM_CHOICE =
  '"stand-in": the kit creates an encrypted Kinesis stream the DAAC reads; "external": the DAAC owns it and the kit writes through a role.';

const cnmStream = z.discriminatedUnion(
  'stream',
  [
    z.strictObject({
      stream: z.literal('stand-in').describe(STREAM_CHOICE),
    }),
    z.strictObject({
      stream: z.literal('external').describe(STREAM_CHOICE),
      streamArn: f.kinesisStreamArn.describe("ARN of the DAAC's CNM-S Kinesis stream."),
      roleArn: f.iamRoleArn.describe('Role in the DAAC account that the sender assumes to write to the stream.'),
    }),
  ],
  { error: 'stream: "stand-in" or stream: "external" (with streamArn and roleArn)' },
);


// ---- Real-AWS settings (issue 11): TLS to mozart, alert subscribers, SQS-fed concurrency ----

const PEM_CERTIFICATE = 'a PEM certificate ("-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----")';
const pemCertificate = z
  .string({ error: PEM_CERTIFICATE })
  .regex(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/, { error: PEM_CERTIFICATE })
  .refine(
    (pem) => {
      try {
        new X509Certificate(pem);
        return true;
      } catch {
        return false;
      }
    },
    { error: `${PEM_CERTIFICATE} that parses` },
  );

const MOZART_TLS_CHOICE =
  "How the job-submitting Lambdas check mozart's HTTPS certificate: against caCertificate, or (verify: false, with a reason) not at all. Left out: against the public CAs, for a certificate from a public CA on network.operatorDnsName.";

const mozartTls = z.union(
  [
    z.strictObject({
      caCertificate: pemCertificate.describe("The CA certificate (PEM) that signed mozart's certificate; nothing else is trusted."),
    }),
    z.strictObject({
      verify: z.literal(false, { error: 'false (leave tls.mozart out to verify against the public CAs)' }).describe('false: do not verify mozart\'s certificate; npm run check shows it as a warning.'),
      reason: f.suppressionReason.describe('Why not verifying is acceptable here; shown in every check report.'),
    }),
  ],
  { error: '{caCertificate: "<PEM>"} or {verify: false, reason: "..."}' },
);

const JENKINS_TLS_CHOICE =
  'How operators reach Jenkins on ci: {httpsPort} for the HTTPS listener its image provides, or {plainHttp: true, reason} (a warning in every check report). Left out: HTTPS on 8443.';

const jenkinsTls = z.union(
  [
    z.strictObject({ httpsPort: whole('a TCP port from 1 to 65535', 1, 65535).describe("The port of the HTTPS listener ci's image provides for Jenkins.") }),
    z.strictObject({
      plainHttp: z.literal(true, { error: 'true (leave tls.jenkins out for HTTPS on 8443)' }).describe('true: operators reach Jenkins over plain HTTP on 8080; npm run check shows it as a warning.'),
      reason: f.suppressionReason.describe('Why plain HTTP is acceptable here; shown in every check report.'),
    }),
  ],
  { error: '{httpsPort: 8443} or {plainHttp: true, reason: "..."}' },
);

const emailAddress = z
  .string({ error: 'an email address, e.g. "pcm-ops@example.org"' })
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'an email address, e.g. "pcm-ops@example.org"' });

export const environmentSchema = z
  .strictObject({
    project: f.projectName.describe('Short project name; prefixes every resource name (e.g. "swot").'),

    environment: z
      .strictObject({
        name: f.environmentName.describe('Environment name; must match the file name (ops.yaml -> "ops").'),
        kind: z
          .enum(ENVIRONMENT_KINDS, { error: `one of ${ENVIRONMENT_KINDS.join(', ')}` })
          .describe(`Kind of environment, which sets the defaults: ${ENVIRONMENT_KINDS.join(', ')}.`),
      })
      .describe('Which environment this is.'),

    aws: z
      .strictObject({
        accountId: f.accountId.describe('The AWS account this environment lives in (12 digits, quoted).'),
        region: f.region.describe('AWS region of every resource in this environment.'),
        deployRoleArn: f.iamRoleArn.describe('Role in this account that deploys assume.'),
        sharesAccountWith: z
          .array(f.environmentName)
          .optional()
          .describe('Other environments that live in the same account on purpose (default: none).'),
      })
      .describe('Where this environment is deployed.'),

    network: z
      .strictObject({
        vpcId: f.vpcId.describe('VPC provided by the account administrators.'),
        privateSubnetIds: z
          .array(f.subnetId, { error: 'a list of subnet ids' })
          .min(1, { error: 'at least one private subnet id' })
          .describe('Private subnets for instances, workers and Lambdas (one per availability zone).'),
        operatorCidrs: z
          .array(f.operatorCidr, { error: 'a list of CIDR blocks' })
          .min(1, { error: 'at least one CIDR block' })
          .describe('CIDR blocks allowed to reach the operator interfaces (HySDS UI, RabbitMQ, Jenkins).'),
        operatorDnsName: f.dnsName
          .optional()
          .describe("DNS name operators reach mozart by, used in the operator URLs (default: mozart's private IP address)."),
      })
      .describe('Network the account administrators provide.'),

    release: z
      .strictObject({
        hysdsVersion: f.releaseTag.describe('HySDS core version (e.g. "v5.0.1").'),
        pcmRelease: f.releaseTag.describe('PCM release tag deployed to this environment.'),
        amiRelease: f.releaseTag
          .optional()
          .describe('AMI release from amis/catalog.yaml; every component boots from it unless overridden.'),
        amiOverrides: z
          .partialRecord(z.enum(AMI_COMPONENTS, { error: `one of ${AMI_COMPONENTS.join(', ')}` }), amiSource)
          .optional()
          .describe(`Per-component AMIs (${AMI_COMPONENTS.join(', ')}) that replace the catalog's.`),
        containers: z
          .record(f.batchName, f.containerImage)
          .optional()
          .describe('Container images of this release by name; Batch job definitions refer to them.'),
        jobPackages: z
          .array(f.jobPackage, { error: 'a list of sdspkg file names' })
          .optional()
          .describe('HySDS job packages of this release (sdspkg tarballs under packages/ in the code bucket) that provisioning imports with sds pkg import (default: none).'),
      })
      .describe('What is deployed: the unit that promotion copies from DEV to I&T to OPS.'),

    core: z
      .strictObject({
        mozart: coreInstance.describe('Job orchestration, queues (RabbitMQ) and the operator web server.'),
        metrics: coreInstance.describe('Metrics and Kibana.'),
        grq: coreInstance.describe('Product catalog (Elasticsearch) and GRQ API.'),
        factotum: coreInstance.describe('Always-on worker for small system jobs.'),
        ci: coreInstance.optional().describe('Jenkins for building job containers (optional).'),
      })
      .describe('HySDS core cluster instances.'),

    workers: z
      .strictObject({
        queues: z
          .array(
            z.strictObject({
              name: f.queueName.describe('HySDS queue name; the autoscaling group is "<venue>-<name>".'),
              instanceTypes: z
                .array(f.instanceType)
                .min(1, { error: 'at least one instance type' })
                .describe('Instance types to draw from, most preferred first.'),
              min: count('instances').describe('Minimum number of workers.'),
              max: count('instances').describe('Maximum number of workers.'),
              onDemandPercentage: whole('a whole percentage from 0 to 100', 0, 100)
                .describe('Share of on-demand instances: 0 is all Spot, 100 is all on-demand.'),
              rootVolumeGiB: volumeGiB.describe('Root volume size in GiB.'),
              dataVolumeGiB: volumeGiB.describe('Data (work directory) volume size in GiB.'),
            }),
            { error: 'a list of queues' },
          )
          .describe('One Spot worker fleet per HySDS queue; the same list feeds the cluster config.'),
      })
      .describe('Verdi worker fleets.'),

    batch: z
      .strictObject({
        computeEnvironments: z
          .array(
            z.strictObject({
              name: f.batchName.describe('Compute environment name.'),
              market: z
                .enum(['spot', 'on-demand'], { error: 'spot or on-demand' })
                .describe('spot (price-capacity-optimized) or on-demand (best-fit-progressive).'),
              instanceTypes: z
                .array(f.batchInstanceType)
                .min(1, { error: 'at least one instance type' })
                .describe('Instance types or families, or "optimal".'),
              minVcpus: count('vCPUs').describe('vCPUs kept running when idle.'),
              maxVcpus: count('vCPUs').describe('Upper bound on vCPUs.'),
            }),
          )
          .describe('AWS Batch compute environments.'),
        jobQueues: z
          .array(
            z.strictObject({
              name: f.batchName.describe('Job queue name (one per pipeline).'),
              priority: whole('a whole number from 0 to 1000', 0, 1000)
                .describe('Higher runs first when queues share compute environments.'),
              computeEnvironments: z
                .array(f.batchName)
                .min(1, { error: 'at least one compute environment' })
                .max(3, { error: 'at most 3 compute environments (an AWS Batch limit)' })
                .describe('Compute environments in order of preference (names from above).'),
            }),
          )
          .describe('AWS Batch job queues.'),
        jobDefinitions: z
          .array(
            z.strictObject({
              name: f.batchName.describe('Job definition name.'),
              container: f.batchName.describe('Name of an image under release.containers.'),
              vcpus: whole('a whole number of vCPUs >= 1', 1).describe('vCPUs per job.'),
              memoryMiB: whole('a whole number of MiB >= 128', 128).describe('Memory per job in MiB.'),
              // 60 s is the shortest timeout AWS Batch accepts.
              timeoutSeconds: whole('a whole number of seconds >= 60', 60).describe('A job running longer is stopped.'),
              retryAttempts: whole('a whole number from 1 to 10', 1, 10)
                .describe('Attempts in all; Spot reclaims are retried up to this.'),
              expectedFailureExitCodes: z
                .array(whole('an exit code from 1 to 255', 1, 255))
                // AWS Batch takes 5 evaluateOnExit rules; one retries Spot reclaims.
                .max(4, { error: 'at most 4 exit codes (AWS Batch allows 5 retry rules and one retries Spot reclaims)' })
                .describe('Exit codes of known, expected failures that are never retried.'),
            }),
          )
          .describe('AWS Batch job definitions.'),
        serviceRoleArn: f.iamRoleArn
          .optional()
          .describe(
            'Service role for the compute environments. Leave it out on AWS: without one, Batch uses its service-linked role and updates environments in place. Only the local emulator needs it.',
          ),
      })
      .describe('AWS Batch, for PGEs that run as containers.'),

    storage: z
      .strictObject({
        sharedFrom: z
          .strictObject({
            environment: f.environmentName.describe('Environment that owns the shared buckets (an ops-like one).'),
            grants: z
              .array(
                z.strictObject({
                  bucket: sharedBucket.describe('Which of its buckets: dataset, archive, messages, triage or code.'),
                  prefixes: z.array(f.s3Prefix).min(1, { error: 'at least one prefix' }).describe('Key prefixes this environment may use.'),
                  access: z
                    .enum(['read', 'read-write', 'read-write-delete'], { error: 'read, read-write or read-write-delete' })
                    .describe('read; read-write (get and put, never delete); or read-write-delete (also delete: only where this environment cleans up after itself).'),
                }),
              )
              .min(1, { error: 'at least one grant' })
              .describe('What this environment needs from those buckets.'),
          })
          .optional()
          .describe("Access to another environment's buckets (absent: only this environment's own)."),
      })
      .describe("Buckets: every environment has its own; ops-like ones may share theirs."),

    cnm: z
      .strictObject({
        version: z
          .literal('1.6.0', { error: 'the CNM version "1.6.0" (quoted; "1.6" is not accepted by DAACs)' })
          .describe('CNM message version written into every CNM-S.'),
        daac: z
          .strictObject({
            accountId: f.accountId.describe("The archive's (DAAC's) AWS account."),
            publisherPrincipals: z
              .array(f.iamPrincipalArn)
              .min(1, { error: 'at least one principal ARN' })
              .describe('DAAC principals allowed to publish CNM-R responses to our SNS topic.'),
            cnmS: cnmStream.describe('Where CNM-S notifications to the DAAC go.'),
          })
          .optional()
          .describe('Messages to and from the archive (absent: no DAAC delivery).'),
        cnes: z
          .strictObject({
            accountId: f.accountId.describe("CNES's AWS account, which polls the messages bucket."),
            batchIntervalMinutes: whole('a whole number of minutes from 1 to 1440', 1, 1440)
              .describe('Every this many minutes one CNM-S lists all new archives.'),
          })
          .optional()
          .describe('Messages to and from CNES (absent: no CNES delivery).'),
        responseJob: z
          .strictObject({
            jobType: f.hysdsJobType.describe('HySDS job type submitted as "job-<jobType>:<pcmRelease>" for each CNM-R received.'),
            queue: f.queueName.describe('HySDS queue that job is submitted to.'),
          })
          .describe('The HySDS job that processes each CNM-R response (from the DAAC or CNES).'),
      })
      .describe('Cloud Notification Mechanism channels.'),

    stagingArea: z
      .strictObject({
        prefix: f.s3Prefix.describe('Key prefix in the dataset bucket that is watched.'),
        suffix: f.s3Suffix.describe('Suffix of the signal file that triggers a job.'),
        jobType: f.hysdsJobType.describe('HySDS job type submitted as "job-<jobType>:<release>".'),
        release: f.releaseTag.optional().describe('Release of that job type (default: release.pcmRelease).'),
        queue: f.queueName.describe('HySDS queue the job is submitted to.'),
      })
      .describe('The staging area that turns dropped files into HySDS jobs.'),

    tags: z.record(f.tagKey, f.tagValue).describe('Extra tags on every resource (project, environment, kind, managed-by, and expires-on when a lifetime is set, are added).'),

    protection: z
      .strictObject({
        deletionProtection: z.boolean({ error: 'true or false' }).describe('Protect data and instances from deletion.'),
        lifetime: z
          .strictObject({ expiresOn: f.isoDate.describe('Date after which the environment may be destroyed.') })
          .optional()
          .describe('Lifetime of a temporary (adt) environment; required there, not allowed elsewhere.'),
      })
      .describe('Protection of data and instances.'),

    provisioning: z
      .strictObject({
        timeoutMinutes: whole('a whole number of minutes from 5 to 240', 5, 240).describe('How long npm run deploy waits for provisioning on mozart.'),
      })
      .optional()
      .describe('Provisioning of HySDS on mozart by SSM State Manager (default: a 90-minute wait).'),

    tls: z
      .strictObject({
        mozart: mozartTls.optional().describe(MOZART_TLS_CHOICE),
        jenkins: jenkinsTls.optional().describe(JENKINS_TLS_CHOICE),
      })
      .optional()
      .describe("TLS of the cluster's own endpoints (default: mozart's certificate verified against the public CAs, Jenkins on HTTPS 8443)."),

    alerts: z
      .strictObject({
        emails: z
          .array(emailAddress, { error: 'a list of email addresses' })
          .min(1, { error: 'at least one email address (leave alerts out for none)' })
          .describe('Addresses the alerts topic mails (each confirms its subscription once).'),
      })
      .optional()
      .describe('Who hears about dead-letter messages and failed runs (default: nobody; npm run check warns).'),

    lambdas: z
      .strictObject({
        sqsMaximumConcurrency: whole('a whole number from 2 to 1000 (an AWS limit)', 2, 1000)
          .optional()
          .describe('Most concurrent invocations each queue-fed Lambda runs (default: 5; it caps the load on mozart).'),
      })
      .optional()
      .describe('The message Lambdas (default: every setting at its default).'),

    campaigns: z
      .strictObject({
        enabled: z.boolean({ error: 'true or false' }).describe('Deploy the campaign engine (state machine, ledger) so npm run campaign can run jobs over a pre-defined input.'),
        defaults: z
          .strictObject({
            chunkSize: whole('a whole number of items from 2 to 10000 (an AWS Batch array job has 2 to 10000 children)', 2, 10000)
              .optional()
              .describe('Items per chunk, each chunk one Batch array job (default: 100).'),
            concurrency: whole('a whole number of chunks from 1 to 10000 (the Distributed Map limit)', 1, 10000)
              .optional()
              .describe('Chunks running at once (default: 10).'),
            toleratedFailurePercent: whole('a whole percentage from 0 to 100', 0, 100)
              .optional()
              .describe('Share of failed chunks after which the campaign stops (default: 10).'),
            maxAttempts: whole('a whole number from 1 to 10', 1, 10)
              .optional()
              .describe('Attempts per item before it is permanently failed (default: 3).'),
          })
          .optional()
          .describe('Limits a campaign gets when npm run campaign start does not give them.'),
      })
      .optional()
      .describe('Campaigns over a pre-defined input (default: not deployed).'),

    checkSuppressions: z
      .array(
        z.strictObject({
          rule: f.checkRuleId.describe('The rule, e.g. "PCM-EC2-4".'),
          resource: f.resourceAddress.describe('The resource address npm run check printed.'),
          reason: f.suppressionReason.describe('Why the exception is safe; shown in every check report.'),
        }),
        { error: 'a list of {rule, resource, reason}' },
      )
      .optional()
      .describe('Exceptions to npm run check, one rule on one resource each, with the reason (default: none).'),
  })
  .describe('A pcm-deploy environment.');

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type WorkerQueue = EnvironmentConfig['workers']['queues'][number];
export type AmiSource = z.infer<typeof amiSource>;
export type SharedBucket = z.infer<typeof sharedBucket>;
/** How far a grant on a bucket's objects goes: the config's words, which the grant methods take too. */
export type BucketAccess = NonNullable<EnvironmentConfig['storage']['sharedFrom']>['grants'][number]['access'];
export const SHARED_BUCKETS = sharedBucket.options;

/** Tag keys the kit sets on every resource; a config may not redefine them. */
export const MANAGED_TAG_KEYS = ['project', 'environment', 'kind', 'managed-by', 'expires-on'] as const;
