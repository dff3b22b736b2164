/**
 * The campaign engine of an environment: the ledger table, the campaign state machine (a
 * Distributed Map over an inventory, each chunk a Batch array job or, for a HySDS job, an
 * invocation of the campaign-submit function that submits its rows to Mozart), its role, its
 * encrypted log group and the alarms on a failing campaign. Deployed only where
 * `campaigns.enabled` is true.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { CAMPAIGN_SUBMIT_DEFAULTS, CAMPAIGN_SUBMIT_ENV } from '../../lambdas/campaign-submit/contract';
import type { MozartConnection } from '../messaging/message-lambdas';
import { BundledFunction, type BundledFunctionVpc } from '../lambda/bundled-function';
import { LEDGER_KEYS, RETRY_INDEX } from '../../lambdas/shared/campaign-contract';
import type { Naming } from '../naming';
import { EnvironmentKeyReference } from '../iam/environment-key';
import { policyJson, trustPolicyJson, type PolicyStatement } from '../iam/policy';
import { BucketReference } from '../storage/bucket-access';
import { CampaignEvents } from './campaign-events';
import { campaignDefinition } from './definitions';
import { campaignNames, type CampaignNames } from './names';
import { RETRY_LIMIT_MAX, RETRY_SCHEDULE, retryDefinition } from './retry-definition';
import { verifyDefinition } from './verify-definition';

export interface CampaignEngineProps {
  readonly naming: Naming;
  /** The environment key: ledger, logs, state machine data and the result objects. */
  readonly kmsKeyArn: string;
  /** Batch job queues of the config that campaigns may submit to. */
  readonly jobQueues: readonly string[];
  /** Batch job definitions of the config that campaigns may submit. */
  readonly jobDefinitions: readonly string[];
  /** Point-in-time recovery and deletion protection of the ledger. */
  readonly protectData: boolean;
  readonly logRetentionDays: number;
  /** SNS topic of the environment's alerts. */
  readonly alarmTopicArn: string;
  /** Where the campaign-submit function finds Mozart, for campaigns of HySDS jobs. */
  readonly mozart: CampaignMozartProps;
}

export interface CampaignMozartProps {
  /** Mozart's base URL, `https://<address>`, and how its certificate is checked (mozartConnection). */
  readonly connection: MozartConnection;
  /** Private subnets and a security group that mozart lets in on 443 (Mozart has a private address). */
  readonly vpc: BundledFunctionVpc;
}

/** What every state machine's role needs to log: CloudWatch vended log delivery takes no resource ARN. */
const DELIVERS_LOGS: PolicyStatement = {
  Sid: 'DeliversLogs',
  Effect: 'Allow',
  Action: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
  Resource: '*',
};

interface StateMachineSpec {
  readonly name: string;
  readonly roleName: string;
  readonly description: string;
  readonly statements: readonly PolicyStatement[];
  readonly definition: object;
  readonly logGroupArn: string;
  readonly kmsKeyArn: string;
  readonly accountId: string;
}

export class CampaignEngine extends Construct {
  readonly names: CampaignNames;
  readonly ledger: DynamodbTable;
  readonly stateMachine: SfnStateMachine;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly statements: readonly PolicyStatement[];
  readonly retryStateMachine: SfnStateMachine;
  readonly retryStatements: readonly PolicyStatement[];
  readonly schedule: SchedulerSchedule;
  /** campaign-submit: a HySDS job's chunks to Mozart. */
  readonly submitFunction: BundledFunction;
  readonly verifyStateMachine: SfnStateMachine;
  readonly verifyStatements: readonly PolicyStatement[];
  /** The Batch-event rule and Lambda that keep the ledger current from job state changes. */
  readonly events: CampaignEvents;

  constructor(scope: Construct, id: string, props: CampaignEngineProps) {
    super(scope, id);
    const { naming, kmsKeyArn } = props;
    const names = (this.names = campaignNames(naming));
    const { accountId } = naming.identity;
    const dataset = BucketReference.of(naming, 'dataset');
    const key = new EnvironmentKeyReference(kmsKeyArn);

    this.ledger = new DynamodbTable(this, 'ledger', {
      name: names.ledgerTable,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: LEDGER_KEYS.partition,
      rangeKey: LEDGER_KEYS.sort,
      attribute: [
        { name: LEDGER_KEYS.partition, type: 'S' },
        { name: LEDGER_KEYS.sort, type: 'S' },
        { name: RETRY_INDEX, type: 'S' },
      ],
      // Sparse: only failed and missing rows carry the key, so retry Queries them and nothing else.
      globalSecondaryIndex: [{ name: RETRY_INDEX, hashKey: RETRY_INDEX, rangeKey: LEDGER_KEYS.sort, projectionType: 'ALL' }],
      serverSideEncryption: { enabled: true, kmsKeyArn },
      pointInTimeRecovery: { enabled: props.protectData },
      deletionProtectionEnabled: props.protectData,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: names.logGroup,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: kmsKeyArn,
    });

    // ---- campaign-submit: a HySDS job's chunks to Mozart ----
    // Least privilege: Mozart's address and TLS settings are its configuration (no secret: the
    // kit's Mozart API takes no credentials), so beyond its own log group, the key of its
    // environment and the VPC interfaces BundledFunction adds, it needs nothing.
    this.submitFunction = new BundledFunction(this, 'submit-function', {
      lambda: 'campaign-submit',
      functionName: names.submitFunction,
      environment: CAMPAIGN_SUBMIT_ENV.write(
        {
          mozart: props.mozart.connection.values,
          maxRows: CAMPAIGN_SUBMIT_DEFAULTS.maxRows,
          attempts: CAMPAIGN_SUBMIT_DEFAULTS.attempts,
          backoffMs: CAMPAIGN_SUBMIT_DEFAULTS.backoffMs,
          priority: CAMPAIGN_SUBMIT_DEFAULTS.priority,
        },
        { mozart: props.mozart.connection.sources },
      ),
      statements: [],
      vpc: props.mozart.vpc,
      // The bound on submits in flight at Mozart (declared in stacks/reserved-concurrency.ts for the deploy guard).
      reservedConcurrency: CAMPAIGN_SUBMIT_DEFAULTS.reservedConcurrency,
      timeoutSeconds: CAMPAIGN_SUBMIT_DEFAULTS.timeoutSeconds,
      logRetentionDays: props.logRetentionDays,
      kmsKeyArn,
      accountId,
    });

    this.statements = [
      { Sid: 'WritesLedger', Effect: 'Allow', Action: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:GetItem'], Resource: names.ledgerTableArn },
      // Inventories and results live in the environment's dataset bucket.
      dataset.grantRead('ReadsInventories', ''),
      dataset.grantList('ListsInventories'),
      dataset.grantObjects('WritesResults', ['put', 'abortUpload', 'listUploadParts'], `${names.resultPrefix}/`),
      key.grantEncryptDecrypt('UsesEnvironmentKey'),
      { Sid: 'SubmitsCampaignJobs', Effect: 'Allow', Action: 'batch:SubmitJob', Resource: names.batchArns(props.jobQueues, props.jobDefinitions) },
      // HySDS chunks: this one function, no other.
      { Sid: 'InvokesCampaignSubmit', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [names.submitFunctionArn, `${names.submitFunctionArn}:*`] },
      // .sync: Step Functions describes and, on a stop, terminates the jobs it submitted.
      { Sid: 'FollowsCampaignJobs', Effect: 'Allow', Action: 'batch:DescribeJobs', Resource: '*' },
      { Sid: 'StopsCampaignJobs', Effect: 'Allow', Action: 'batch:TerminateJob', Resource: naming.arn('batch', 'job/*') },
      {
        Sid: 'ManagesSyncRule',
        Effect: 'Allow',
        Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        // The managed rule .sync uses to learn of Batch job state changes.
        Resource: naming.arn('events', 'rule/StepFunctionsGetEventsForBatchJobsRule'),
      },
      // The Distributed Map starts and follows child executions of this same state machine.
      { Sid: 'RunsChildWorkflows', Effect: 'Allow', Action: 'states:StartExecution', Resource: names.stateMachineArn },
      { Sid: 'FollowsChildWorkflows', Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: names.executionArns },
      { Sid: 'FollowsMapRuns', Effect: 'Allow', Action: ['states:DescribeMapRun', 'states:UpdateMapRun'], Resource: names.mapRunArn },
      DELIVERS_LOGS,
    ];
    ({ role: this.role, stateMachine: this.stateMachine } = this.stateMachineWithRole('', {
      name: names.stateMachine,
      roleName: names.role,
      description: `Campaign state machine of ${naming.venue}`,
      statements: this.statements,
      definition: campaignDefinition({ partition: naming.partition, ledgerTable: names.ledgerTable, resultBucket: naming.bucket('dataset'), resultPrefix: names.resultPrefix, submitFunctionArn: names.submitFunctionArn }),
      logGroupArn: this.logGroup.arn,
      kmsKeyArn,
      accountId,
    }));

    this.alarms(names.stateMachine, names.stateMachineArn, naming, props.alarmTopicArn, 'campaign pass', 'failed (more chunks failed than it tolerates)');

    // ---- The retry state machine, on a schedule and on demand (npm run campaign retry) ----
    const retryLogs = new CloudwatchLogGroup(this, 'retry-logs', { name: names.retryLogGroup, retentionInDays: props.logRetentionDays, kmsKeyId: kmsKeyArn });
    this.retryStatements = [
      { Sid: 'ReadsLedger', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [names.ledgerTableArn, `${names.ledgerTableArn}/index/${RETRY_INDEX}`] },
      // Row and summary move together (TransactWriteItems needs UpdateItem on the table).
      { Sid: 'MovesRows', Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: names.ledgerTableArn },
      dataset.grantPut('WritesRetryInventories', names.retryPrefix),
      key.grantEncryptDecrypt('UsesEnvironmentKey'),
      // The next pass of the campaign state machine; itself, once per campaign, when scheduled.
      { Sid: 'StartsPasses', Effect: 'Allow', Action: 'states:StartExecution', Resource: [names.stateMachineArn, names.retryStateMachineArn] },
      DELIVERS_LOGS,
    ];
    this.retryStateMachine = this.stateMachineWithRole('retry-', {
      name: names.retryStateMachine,
      roleName: names.retryRole,
      description: `Campaign retry state machine of ${naming.venue}`,
      statements: this.retryStatements,
      definition: retryDefinition({ partition: naming.partition, ledgerTable: names.ledgerTable, campaignStateMachineArn: names.stateMachineArn, retryStateMachineArn: names.retryStateMachineArn, bucket: naming.bucket('dataset'), prefix: names.retryPrefix }),
      logGroupArn: retryLogs.arn,
      kmsKeyArn,
      accountId,
    }).stateMachine;
    this.alarms(names.retryStateMachine, names.retryStateMachineArn, naming, props.alarmTopicArn, 'campaign retry run', 'failed');

    const scheduleRole = new IamRole(this, 'retry-schedule-role', {
      name: names.retryScheduleRole,
      description: `Starts the campaign retry state machine of ${naming.venue} on its schedule`,
      assumeRolePolicy: trustPolicyJson([{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': accountId } } }]),
    });
    const schedulePolicy = new IamRolePolicy(this, 'retry-schedule-policy', {
      name: 'least-privilege',
      role: scheduleRole.id,
      policy: policyJson([
        { Sid: 'StartsRetry', Effect: 'Allow', Action: 'states:StartExecution', Resource: names.retryStateMachineArn },
        // The schedule's input is encrypted with the environment key.
        { Sid: 'ReadsScheduleInput', Effect: 'Allow', Action: 'kms:Decrypt', Resource: kmsKeyArn },
      ]),
    });
    this.schedule = new SchedulerSchedule(this, 'retry-schedule', {
      name: names.retrySchedule,
      description: `Retries the failed rows of every campaign of ${naming.venue}, ${RETRY_LIMIT_MAX} rows a campaign a run at most`,
      scheduleExpression: RETRY_SCHEDULE.expression,
      // Spread over a quarter of an hour, so environments (and their Batch queues) are not hit at once.
      flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 15 },
      kmsKeyArn,
      target: {
        arn: this.retryStateMachine.arn,
        roleArn: scheduleRole.arn,
        // No campaign: the run starts one retry per campaign of the ledger's index.
        input: JSON.stringify({ limit: RETRY_LIMIT_MAX, backoffSeconds: RETRY_SCHEDULE.backoffSeconds }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
      dependsOn: [schedulePolicy],
    });

    // ---- The verify state machine (npm run campaign verify) ----
    const verifyLogs = new CloudwatchLogGroup(this, 'verify-logs', { name: names.verifyLogGroup, retentionInDays: props.logRetentionDays, kmsKeyId: kmsKeyArn });
    this.verifyStatements = [
      { Sid: 'ReadsLedger', Effect: 'Allow', Action: 'dynamodb:Query', Resource: names.ledgerTableArn },
      // Row succeeded -> missing, then the summary's counters and progress.
      { Sid: 'MovesRows', Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: names.ledgerTableArn },
      // headObject needs s3:GetObject; expected outputs live in the environment's dataset bucket.
      dataset.grantRead('ChecksOutputs', ''),
      // Without ListBucket a missing key answers 403, not 404, and would fail the run instead of marking the row.
      dataset.grantList('TellsMissingOutputs'),
      key.grantEncryptDecrypt('UsesEnvironmentKey'),
      // Continues as a new execution of itself before the history quota.
      { Sid: 'ContinuesAsNew', Effect: 'Allow', Action: 'states:StartExecution', Resource: names.verifyStateMachineArn },
      DELIVERS_LOGS,
    ];
    this.verifyStateMachine = this.stateMachineWithRole('verify-', {
      name: names.verifyStateMachine,
      roleName: names.verifyRole,
      description: `Campaign verify state machine of ${naming.venue}`,
      statements: this.verifyStatements,
      definition: verifyDefinition({ partition: naming.partition, ledgerTable: names.ledgerTable, verifyStateMachineArn: names.verifyStateMachineArn }),
      logGroupArn: verifyLogs.arn,
      kmsKeyArn,
      accountId,
    }).stateMachine;
    this.alarms(names.verifyStateMachine, names.verifyStateMachineArn, naming, props.alarmTopicArn, 'campaign verify run', 'failed');

    // ---- The ledger kept current from Batch's job state changes ----
    this.events = new CampaignEvents(this, 'events', {
      naming,
      names,
      kmsKeyArn,
      jobQueues: props.jobQueues,
      logRetentionDays: props.logRetentionDays,
      alarmTopicArn: props.alarmTopicArn,
    });
  }

  /** Alarms to the alerts topic when an execution of the machine fails or times out. */
  /**
   * One of the engine's state machines and its own role: trusted by this account's Step Functions
   * only (against the confused deputy), allowed exactly `statements`, encrypted with the
   * environment key, logging errors but never execution data (it holds inventory rows). Construct
   * ids are `<idPrefix>role`, `<idPrefix>policy`, `<idPrefix>state-machine`.
   */
  private stateMachineWithRole(idPrefix: string, spec: StateMachineSpec): { role: IamRole; stateMachine: SfnStateMachine } {
    const role = new IamRole(this, `${idPrefix}role`, {
      name: spec.roleName,
      description: spec.description,
      assumeRolePolicy: trustPolicyJson([{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': spec.accountId } } }]),
    });
    const policy = new IamRolePolicy(this, `${idPrefix}policy`, { name: 'least-privilege', role: role.id, policy: policyJson(spec.statements) });
    const stateMachine = new SfnStateMachine(this, `${idPrefix}state-machine`, {
      name: spec.name,
      roleArn: role.arn,
      type: 'STANDARD',
      definition: JSON.stringify(spec.definition),
      loggingConfiguration: { logDestination: `${spec.logGroupArn}:*`, includeExecutionData: false, level: 'ERROR' },
      tracingConfiguration: { enabled: false },
      encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: spec.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 },
      dependsOn: [policy],
    });
    return { role, stateMachine };
  }

  private alarms(machine: string, arn: string, naming: Naming, topic: string, what: string, failed: string): void {
    for (const [metric, how] of [
      ['ExecutionsFailed', failed],
      ['ExecutionsTimedOut', 'timed out'],
    ] as const) {
      new CloudwatchMetricAlarm(this, machine === this.names.stateMachine ? `alarm-${metric}` : `alarm-${machine}-${metric}`, {
        alarmName: `${machine}-${metric}`,
        alarmDescription: `A ${what} of ${naming.venue} ${how}. npm run campaign -- --env ${naming.identity.environment} status, then retry.`,
        namespace: 'AWS/States',
        metricName: metric,
        dimensions: { StateMachineArn: arn },
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [topic],
      });
    }
  }
}
