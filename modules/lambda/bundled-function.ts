/**
 * One of the kit's Lambda handlers (lambdas/<name>/handler.ts) deployed with least privilege: its
 * bundle (built once per synthesis, content-hashed), its own role and log group, and methods to
 * feed it from an SQS queue or run it on a schedule, each granting exactly what that needs.
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AssetType, Lazy, TerraformAsset, Token } from 'cdktf';
import { Construct } from 'constructs';
import { bundleLambda, LAMBDA_NAMES, type LambdaName } from './bundle';
import { WRITTEN_BY, type WrittenEnvironment } from '../../lambdas/shared/env';
import { LAMBDA_RUNTIME } from './runtime-version';

import type { PolicyStatement } from '../iam/policy';

export type { PolicyStatement };

export interface BundledFunctionVpc {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

export interface BundledFunctionProps {
  /** Which handler: a folder under lambdas/. */
  readonly lambda: LambdaName;
  /** The function's name; also names its role and its log group `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  /**
   * The handler's configuration (its only one), as its contract wrote it
   * (`lambdas/<lambda>/contract.ts`). Never secrets: they would show in the plan.
   */
  readonly environment: WrittenEnvironment;
  /** What the function's code may do, least privilege; logging and the event sources are added. */
  readonly statements: readonly PolicyStatement[];
  /** Days the log group keeps logs (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /**
   * Subnets and security groups, for handlers that reach Mozart inside the VPC.
   * @default not in a VPC
   */
  readonly vpc?: BundledFunctionVpc;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMiB?: number;
  /**
   * Concurrent executions reserved (and so the most that run at once); 1 serializes runs.
   * @default unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * KMS key encrypting the environment variables and the log group (whose key policy must let
   * CloudWatch Logs use it).
   * @default AWS-managed keys
   */
  readonly kmsKeyArn?: string;
  /**
   * SQS queue that receives asynchronous invocations that failed all their retries (scheduled
   * runs). Required by addSchedule.
   * @default none
   */
  readonly asyncFailureQueueArn?: string;
  /**
   * The account the function lives in, for the role's `aws:SourceAccount` trust condition.
   * @default the deploying account, from an aws_caller_identity data source
   */
  readonly accountId?: string;
  /**
   * Retries of a failed asynchronous invocation before it goes to asyncFailureQueueArn (0-2).
   * @default 2
   */
  readonly asyncRetryAttempts?: number;
  /**
   * Oldest an asynchronous event may be and still run, in seconds (60-21600).
   * @default 3600
   */
  readonly asyncMaxEventAgeSeconds?: number;
}

export interface SqsSourceOptions {
  /**
   * Records per invocation (1-100; above 10 needs a batching window).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Seconds to wait to fill a batch (0-30).
   * @default 0
   */
  readonly maxBatchingWindowSeconds?: number;
  /**
   * Most concurrent invocations this queue drives (2-1000); caps the load on Mozart.
   * @default no cap beyond the function's own
   */
  readonly maxConcurrency?: number;
  /**
   * KMS key of an encrypted queue: the function is granted kms:Decrypt on it.
   * @default the queue is not encrypted with a customer-managed key
   */
  readonly kmsKeyArn?: string;
}

/** CloudWatch Logs' allowed retention values. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** What Lambda itself sets; a function may not. */
const RESERVED_ENVIRONMENT = /^(AWS_|_HANDLER$|_X_AMZN_TRACE_ID$|LAMBDA_TASK_ROOT$|LAMBDA_RUNTIME_DIR$|TZ$)/;

export class BundledFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The function's ARN, for policies and targets. */
  readonly functionArn: string;
  readonly functionName: string;

  private readonly statements: PolicyStatement[] = [];
  private readonly policy: IamRolePolicy;
  private readonly props: BundledFunctionProps;
  private sources = 0;
  private schedules = 0;
  private rules = 0;
  private invokeConfig?: LambdaFunctionEventInvokeConfig;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    validate(props);
    this.props = props;
    this.functionName = props.functionName;
    const bundle = bundleLambda(props.lambda);
    const accountId = props.accountId ?? new DataAwsCallerIdentity(this, 'account').accountId;

    this.role = new IamRole(this, 'role', {
      name: props.functionName,
      description: `pcm-deploy Lambda ${props.functionName} (${props.lambda})`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // Only Lambda in this account can assume it (the confused-deputy guard).
            Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
          },
        ],
      }),
    });

    // Created before the function, so Lambda never makes it first without retention or key.
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });

    // The caller's statements, then the ones the construct always adds (they cannot be left out).
    // The document is rendered at synthesis, so addSqsSource/addSchedule can still add to it.
    this.statements.push(...props.statements);
    this.statements.push({
      Sid: 'WriteOwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${this.logGroup.arn}:*`,
    });
    if (props.vpc) {
      this.statements.push({
        Sid: 'ManageVpcNetworkInterfaces',
        Effect: 'Allow',
        // What AWSLambdaVPCAccessExecutionRole grants; the Describe calls cannot be scoped.
        Action: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Resource: '*',
      });
    }
    if (props.kmsKeyArn) {
      this.statements.push({ Sid: 'DecryptOwnEnvironment', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: props.kmsKeyArn });
    }
    const policy = (this.policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: Lazy.stringValue({ produce: () => JSON.stringify({ Version: '2012-10-17', Statement: this.statements }) }),
    }));

    const code = new TerraformAsset(this, 'code', { path: bundle.zipPath, type: AssetType.FILE });
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: bundle.sha256Base64,
      timeout: props.timeoutSeconds ?? 60,
      memorySize: props.memoryMiB ?? 256,
      reservedConcurrentExecutions: props.reservedConcurrency,
      kmsKeyArn: props.kmsKeyArn,
      environment: Object.keys(props.environment).length > 0 ? { variables: { ...props.environment } } : undefined,
      vpcConfig: props.vpc ? { subnetIds: [...props.vpc.subnetIds], securityGroupIds: [...props.vpc.securityGroupIds] } : undefined,
      // The policy must exist before the function's first cold start writes logs or makes ENIs.
      dependsOn: [this.logGroup, policy],
    });
    this.functionArn = this.function.arn;
  }

  /**
   * Feeds the function from an SQS queue, reporting failed records one by one
   * (ReportBatchItemFailures), and grants it what polling the queue takes.
   */
  addSqsSource(queueArn: string, options: SqsSourceOptions = {}): LambdaEventSourceMapping {
    const batchSize = options.batchSize ?? 10;
    const window = options.maxBatchingWindowSeconds ?? 0;
    const problems: string[] = [];
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) problems.push(`batchSize: expected 1 to 100, found ${batchSize}`);
    if (!Number.isInteger(window) || window < 0 || window > 30) problems.push(`maxBatchingWindowSeconds: expected 0 to 30, found ${window}`);
    if (batchSize > 10 && window < 1) problems.push(`batchSize: above 10 needs maxBatchingWindowSeconds of at least 1 (an AWS rule), found ${batchSize} with ${window}`);
    if (options.maxConcurrency !== undefined && (!Number.isInteger(options.maxConcurrency) || options.maxConcurrency < 2 || options.maxConcurrency > 1000)) {
      problems.push(`maxConcurrency: expected 2 to 1000, found ${options.maxConcurrency}`);
    }
    if (problems.length > 0) throw new Error(`BundledFunction ${this.node.path}: addSqsSource: ${problems.join('; ')}`);

    const n = this.sources++;
    this.statements.push({
      Sid: `PollQueue${n}`,
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: queueArn,
    });
    if (options.kmsKeyArn) this.statements.push({ Sid: `DecryptQueue${n}`, Effect: 'Allow', Action: ['kms:Decrypt'], Resource: options.kmsKeyArn });
    return new LambdaEventSourceMapping(this, `sqs-source-${n}`, {
      eventSourceArn: queueArn,
      functionName: this.function.arn,
      batchSize,
      maximumBatchingWindowInSeconds: window,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: options.maxConcurrency !== undefined ? { maximumConcurrency: options.maxConcurrency } : undefined,
      // Lambda checks the role can poll the queue when the mapping is created.
      dependsOn: [this.policy],
    });
  }

  /**
   * Runs the function on an EventBridge schedule (`rate(...)` or `cron(...)`). Failed runs are
   * retried a bounded number of times, then sent to asyncFailureQueueArn.
   */
  addSchedule(expression: string, description?: string): CloudwatchEventRule {
    const problems: string[] = [];
    if (!Token.isUnresolved(expression) && !/^(rate|cron)\(.+\)$/.test(expression)) problems.push(`expression: expected rate(...) or cron(...), found "${expression}"`);
    if (!this.props.asyncFailureQueueArn) problems.push('asyncFailureQueueArn: a scheduled function needs a queue for the runs that fail every retry');
    if (problems.length > 0) throw new Error(`BundledFunction ${this.node.path}: addSchedule: ${problems.join('; ')}`);

    const n = this.schedules++;
    const rule = new CloudwatchEventRule(this, `schedule-${n}`, {
      name: n === 0 ? this.props.functionName : `${this.props.functionName}-${n}`.slice(0, 64),
      description: description ?? `Runs ${this.props.functionName}`,
      scheduleExpression: expression,
    });
    this.invokeOn(rule, `schedule-${n}`, `AllowSchedule${n}`);
    return rule;
  }

  /**
   * Runs the function on the events an EventBridge rule on the default bus matches. Failed runs
   * are retried a bounded number of times, then sent to asyncFailureQueueArn, as for schedules.
   */
  addEventRule(name: string, eventPattern: Readonly<Record<string, unknown>>, description: string): CloudwatchEventRule {
    if (!this.props.asyncFailureQueueArn) throw new Error(`BundledFunction ${this.node.path}: addEventRule: asyncFailureQueueArn: a function fed by events needs a queue for the runs that fail every retry`);
    const n = this.rules++;
    const rule = new CloudwatchEventRule(this, `events-${n}`, { name, description, eventPattern: JSON.stringify(eventPattern) });
    this.invokeOn(rule, `events-${n}`, `AllowEvents${n}`);
    return rule;
  }

  /**
   * The rule's target and Lambda's permission for it. EventBridge retries a delivery a bounded
   * number of times, like Lambda's own retries; runs that fail every retry go to the queue.
   */
  private invokeOn(rule: CloudwatchEventRule, id: string, statementId: string): void {
    new CloudwatchEventTarget(this, `${id}-target`, {
      rule: rule.name,
      arn: this.function.arn,
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: this.props.asyncMaxEventAgeSeconds ?? 3600 },
    });
    new LambdaPermission(this, `${id}-permission`, {
      statementId,
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
    });
    this.sendFailedRunsToQueue();
  }

  /** Asynchronous runs that fail every retry go to asyncFailureQueueArn (once per function). */
  private sendFailedRunsToQueue(): void {
    if (!this.invokeConfig) {
      this.statements.push({ Sid: 'SendFailedRuns', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: this.props.asyncFailureQueueArn! });
      this.invokeConfig = new LambdaFunctionEventInvokeConfig(this, 'async-invoke', {
        functionName: this.function.functionName,
        maximumRetryAttempts: this.props.asyncRetryAttempts ?? 2,
        maximumEventAgeInSeconds: this.props.asyncMaxEventAgeSeconds ?? 3600,
        destinationConfig: { onFailure: { destination: this.props.asyncFailureQueueArn! } },
        // Lambda checks the role can send to the destination when the config is written.
        dependsOn: [this.policy],
      });
    }
  }
}

/** Every problem with the props at once, with the value found. */
function validate(props: BundledFunctionProps): void {
  const problems: string[] = [];
  const numberIn = (name: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) problems.push(`${name}: expected a whole number from ${min} to ${max}, found ${value}`);
  };
  if (!(LAMBDA_NAMES as readonly string[]).includes(props.lambda)) problems.push(`lambda: expected one of ${LAMBDA_NAMES.join(', ')}, found "${props.lambda}"`);
  if (!Token.isUnresolved(props.functionName) && !/^[A-Za-z0-9_-]{1,64}$/.test(props.functionName)) {
    problems.push(`functionName: expected 1 to 64 letters, digits, "-" or "_", found "${props.functionName}"`);
  }
  if (!RETENTION_DAYS.includes(props.logRetentionDays)) problems.push(`logRetentionDays: expected one of ${RETENTION_DAYS.join(', ')}, found ${props.logRetentionDays}`);
  numberIn('timeoutSeconds', props.timeoutSeconds, 1, 900);
  numberIn('memoryMiB', props.memoryMiB, 128, 10240);
  numberIn('reservedConcurrency', props.reservedConcurrency, 0, 1000);
  numberIn('asyncRetryAttempts', props.asyncRetryAttempts, 0, 2);
  numberIn('asyncMaxEventAgeSeconds', props.asyncMaxEventAgeSeconds, 60, 21600);
  // The contract's types keep a construct from forgetting or misspelling a variable only if the
  // environment really is the one this handler's contract wrote.
  const writtenBy = props.environment[WRITTEN_BY] as string | undefined;
  if (writtenBy !== props.lambda) {
    problems.push(`environment: expected one written by lambdas/${props.lambda}/contract.ts, found ${writtenBy === undefined ? 'one no contract wrote (or a copy of one)' : `${writtenBy}'s`}`);
  }
  for (const name of Object.keys(props.environment)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || RESERVED_ENVIRONMENT.test(name)) problems.push(`environment: "${name}" is not a name a function may set`);
  }
  // Lambda's limit on all environment variables together.
  const size = Object.entries(props.environment).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (size > 4096) problems.push(`environment: expected at most 4 KB in all, found ${size} bytes`);
  if (props.vpc && (props.vpc.subnetIds.length === 0 || props.vpc.securityGroupIds.length === 0)) problems.push('vpc: expected at least one subnet and one security group');
  if (props.statements.some((s) => s.Action === '*' || (Array.isArray(s.Action) && s.Action.includes('*')))) problems.push('statements: "*" actions are not least privilege');
  if (problems.length > 0) throw new Error(`BundledFunction ${props.functionName}: ${problems.join('; ')}`);
}
