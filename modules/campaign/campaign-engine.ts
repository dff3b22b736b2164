/**
 * The campaign engine of an environment: the ledger table, the campaign state machine (a
 * Distributed Map over an inventory, each chunk a Batch array job), its role, its encrypted log
 * group and the alarms on a failing campaign. Deployed only where `campaigns.enabled` is true.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { LEDGER_KEYS } from '../../lib/campaign/ledger-keys';
import type { Naming } from '../naming';
import { policyJson, trustPolicyJson, type PolicyStatement } from '../policy';
import { campaignDefinition } from './definitions';
import { campaignNames, type CampaignNames } from './names';

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
}

export class CampaignEngine extends Construct {
  readonly names: CampaignNames;
  readonly ledger: DynamodbTable;
  readonly stateMachine: SfnStateMachine;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: CampaignEngineProps) {
    super(scope, id);
    const { naming, kmsKeyArn } = props;
    const names = (this.names = campaignNames(naming));
    const { region, accountId } = naming.identity;
    const dataset = naming.bucketArn('dataset');

    this.ledger = new DynamodbTable(this, 'ledger', {
      name: names.ledgerTable,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: LEDGER_KEYS.partition,
      rangeKey: LEDGER_KEYS.sort,
      attribute: [
        { name: LEDGER_KEYS.partition, type: 'S' },
        { name: LEDGER_KEYS.sort, type: 'S' },
      ],
      serverSideEncryption: { enabled: true, kmsKeyArn },
      pointInTimeRecovery: { enabled: props.protectData },
      deletionProtectionEnabled: props.protectData,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: names.logGroup,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: kmsKeyArn,
    });

    this.statements = [
      { Sid: 'WritesLedger', Effect: 'Allow', Action: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:GetItem'], Resource: names.ledgerTableArn },
      // Inventories and results live in the environment's dataset bucket.
      { Sid: 'ReadsInventories', Effect: 'Allow', Action: 's3:GetObject', Resource: `${dataset}/*` },
      { Sid: 'ListsInventories', Effect: 'Allow', Action: 's3:ListBucket', Resource: dataset },
      {
        Sid: 'WritesResults',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: `${dataset}/${names.resultPrefix}/*`,
      },
      { Sid: 'UsesEnvironmentKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: kmsKeyArn },
      { Sid: 'SubmitsCampaignJobs', Effect: 'Allow', Action: 'batch:SubmitJob', Resource: names.batchArns(props.jobQueues, props.jobDefinitions) },
      // .sync: Step Functions describes and, on a stop, terminates the jobs it submitted.
      { Sid: 'FollowsCampaignJobs', Effect: 'Allow', Action: 'batch:DescribeJobs', Resource: '*' },
      { Sid: 'StopsCampaignJobs', Effect: 'Allow', Action: 'batch:TerminateJob', Resource: `arn:aws:batch:${region}:${accountId}:job/*` },
      {
        Sid: 'ManagesSyncRule',
        Effect: 'Allow',
        Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        // The managed rule .sync uses to learn of Batch job state changes.
        Resource: `arn:aws:events:${region}:${accountId}:rule/StepFunctionsGetEventsForBatchJobsRule`,
      },
      // The Distributed Map starts and follows child executions of this same state machine.
      { Sid: 'RunsChildWorkflows', Effect: 'Allow', Action: 'states:StartExecution', Resource: names.stateMachineArn },
      { Sid: 'FollowsChildWorkflows', Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: names.executionArns },
      { Sid: 'FollowsMapRuns', Effect: 'Allow', Action: ['states:DescribeMapRun', 'states:UpdateMapRun'], Resource: names.mapRunArn },
      {
        Sid: 'DeliversLogs',
        Effect: 'Allow',
        // CloudWatch vended log delivery: these actions take no resource ARN.
        Action: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
        Resource: '*',
      },
    ];
    this.role = new IamRole(this, 'role', {
      name: names.role,
      description: `Campaign state machine of ${naming.venue}`,
      assumeRolePolicy: trustPolicyJson([
        {
          Effect: 'Allow',
          Principal: { Service: 'states.amazonaws.com' },
          Action: 'sts:AssumeRole',
          // Only this account's Step Functions, against the confused deputy.
          Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
        },
      ]),
    });
    const policy = new IamRolePolicy(this, 'policy', { name: 'least-privilege', role: this.role.id, policy: policyJson(this.statements) });

    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name: names.stateMachine,
      roleArn: this.role.arn,
      type: 'STANDARD',
      definition: JSON.stringify(campaignDefinition({ ledgerTable: names.ledgerTable, resultBucket: naming.bucket('dataset'), resultPrefix: names.resultPrefix })),
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        // Execution data holds inventory rows: kept out of the logs.
        includeExecutionData: false,
        level: 'ERROR',
      },
      tracingConfiguration: { enabled: false },
      encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 },
      dependsOn: [policy],
    });

    // A failing campaign: a pass that failed (stopped past its tolerance) or timed out.
    for (const [metric, what] of [
      ['ExecutionsFailed', 'failed (more chunks failed than it tolerates)'],
      ['ExecutionsTimedOut', 'timed out'],
    ] as const) {
      new CloudwatchMetricAlarm(this, `alarm-${metric}`, {
        alarmName: `${names.stateMachine}-${metric}`,
        alarmDescription: `A campaign pass of ${naming.venue} ${what}. npm run campaign -- --env ${naming.identity.environment} status, then retry.`,
        namespace: 'AWS/States',
        metricName: metric,
        dimensions: { StateMachineArn: names.stateMachineArn },
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [props.alarmTopicArn],
      });
    }
  }
}
