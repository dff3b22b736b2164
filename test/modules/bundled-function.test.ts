/** BundledFunction: one test per control on the synthesized JSON, and terraform validate. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { App, TerraformStack } from 'cdktf';
import { bundleLambda } from '../../modules/lambda/bundle';
import { BundledFunction, type BundledFunctionProps } from '../../modules/lambda/bundled-function';
import { environmentContract, required, type WrittenEnvironment } from '../../lambdas/shared/env';
import { STAGING_SUBMIT_ENV } from '../../lambdas/staging-submit/contract';
import { PROVIDER_MIRROR_VARIABLE, terraformBinary, validateStackDir } from '../../lib/terraform-cli';

import type { StackJson as Json } from '../support/synth';

/** An environment as a contract titled after `lambda` writes it: the construct checks which contract wrote it, these tests its other controls. */
const written = (lambda: string, variables: Record<string, string>) =>
  environmentContract(lambda, Object.fromEntries(Object.keys(variables).map((name) => [name, required(name)]))).write(variables);

const base: BundledFunctionProps = {
  lambda: 'staging-submit',
  functionName: 'pcm-dev-staging-submit',
  environment: written('staging-submit', { DATASET_BUCKET: 'pcm-dev-dataset-111111111111', JOB_QUEUE: 'factotum-job_worker-small' }),
  statements: [{ Sid: 'ReadSignals', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::pcm-dev-dataset-111111111111/staging_area/*' }],
  logRetentionDays: 30,
  accountId: '111111111111',
};

function synth(build: (stack: TerraformStack) => void): { json: Json; dir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'pcm-fn-'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'fn');
  new AwsProvider(stack, 'aws', { region: 'us-west-2' });
  build(stack);
  app.synth();
  const dir = join(outdir, 'stacks', 'fn');
  return { json: JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')), dir };
}

const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const policyOf = (json: Json): Json => JSON.parse(resources(json, 'aws_iam_role_policy')[0].policy);
const statement = (json: Json, sid: string): Json => policyOf(json).Statement.find((s: Json) => s.Sid === sid);

describe('BundledFunction', () => {
  const { json: plain } = synth((stack) => new BundledFunction(stack, 'fn', base));

  it('runs the bundle on nodejs22.x arm64 at index.handler, with the bundle hash as source_code_hash', () => {
    const functions = resources(plain, 'aws_lambda_function');
    expect(functions).toHaveLength(1);
    expect(functions[0]).toMatchObject({
      function_name: 'pcm-dev-staging-submit',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      source_code_hash: bundleLambda('staging-submit').sha256Base64,
      timeout: 60,
      memory_size: 256,
      environment: { variables: { ...base.environment } },
    });
  });

  it('ships the zip as a relative asset path that exists in the synthesized stack', () => {
    const { json, dir } = synth((stack) => new BundledFunction(stack, 'fn', base));
    const filename: string = resources(json, 'aws_lambda_function')[0].filename;
    expect(filename).toMatch(/^assets\/.+\.zip$/);
    expect(readFileSync(join(dir, filename)).equals(readFileSync(bundleLambda('staging-submit').zipPath))).toBe(true);
  });

  it('trusts lambda.amazonaws.com only, from its own account', () => {
    const roles = resources(plain, 'aws_iam_role');
    expect(roles).toHaveLength(1);
    expect(JSON.parse(roles[0].assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } },
      ],
    });
    expect(roles[0].managed_policy_arns).toBeUndefined();
    expect(resources(plain, 'aws_iam_role_policy_attachment')).toHaveLength(0);
  });

  it('takes the account from the caller identity when none is given', () => {
    const { json } = synth((stack) => new BundledFunction(stack, 'fn', { ...base, accountId: undefined }));
    expect(Object.keys(json.data.aws_caller_identity)).toHaveLength(1);
    expect(resources(json, 'aws_iam_role')[0].assume_role_policy).toContain('${data.aws_caller_identity.');
  });

  it("grants the caller's statements and writing to its own log group, nothing more", () => {
    const policy = policyOf(plain);
    expect(policy.Statement).toHaveLength(2);
    expect(policy.Statement[0]).toEqual(base.statements[0]);
    expect(statement(plain, 'WriteOwnLogGroup')).toEqual({
      Sid: 'WriteOwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.fn_logs_[0-9A-F]+\.arn\}:\*$/),
    });
  });

  it('creates its log group /aws/lambda/<name> with retention, before the function', () => {
    const groups = resources(plain, 'aws_cloudwatch_log_group');
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name: '/aws/lambda/pcm-dev-staging-submit', retention_in_days: 30 });
    expect(resources(plain, 'aws_lambda_function')[0].depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./)]));
  });

  it('encrypts the environment and the log group with the given key, and may decrypt with it', () => {
    const key = 'arn:aws:kms:us-west-2:111111111111:key/1234';
    const { json } = synth((stack) => new BundledFunction(stack, 'fn', { ...base, kmsKeyArn: key }));
    expect(resources(json, 'aws_lambda_function')[0].kms_key_arn).toBe(key);
    expect(resources(json, 'aws_cloudwatch_log_group')[0].kms_key_id).toBe(key);
    expect(statement(json, 'DecryptOwnEnvironment')).toEqual({ Sid: 'DecryptOwnEnvironment', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: key });
  });

  it('joins the VPC with the ENI permissions Lambda needs', () => {
    const vpc = { subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] };
    const { json } = synth((stack) => new BundledFunction(stack, 'fn', { ...base, vpc }));
    expect(resources(json, 'aws_lambda_function')[0].vpc_config).toEqual({ subnet_ids: vpc.subnetIds, security_group_ids: vpc.securityGroupIds });
    expect(statement(json, 'ManageVpcNetworkInterfaces').Action).toEqual(expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces']));
    expect(statement(plain, 'ManageVpcNetworkInterfaces')).toBeUndefined();
    expect(resources(plain, 'aws_lambda_function')[0].vpc_config).toBeUndefined();
  });

  it('reserves concurrency when asked', () => {
    const { json } = synth((stack) => new BundledFunction(stack, 'fn', { ...base, reservedConcurrency: 1 }));
    expect(resources(json, 'aws_lambda_function')[0].reserved_concurrent_executions).toBe(1);
    expect(resources(plain, 'aws_lambda_function')[0].reserved_concurrent_executions).toBeUndefined();
  });

  describe('addSqsSource', () => {
    const { json } = synth((stack) => {
      const queue = new SqsQueue(stack, 'queue', { name: 'signals' });
      new BundledFunction(stack, 'fn', base).addSqsSource(queue.arn, { batchSize: 5, kmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/q' });
    });

    it('maps the queue with ReportBatchItemFailures and a bounded batch, after the policy', () => {
      const mappings = resources(json, 'aws_lambda_event_source_mapping');
      expect(mappings).toHaveLength(1);
      expect(mappings[0]).toMatchObject({
        event_source_arn: expect.stringMatching(/^\$\{aws_sqs_queue\.queue\.arn\}$/),
        function_response_types: ['ReportBatchItemFailures'],
        batch_size: 5,
        maximum_batching_window_in_seconds: 0,
        depends_on: [expect.stringMatching(/^aws_iam_role_policy\./)],
      });
    });

    it('grants receive, delete and get-attributes on that queue only, and decrypt on its key', () => {
      expect(statement(json, 'PollQueue0')).toEqual({
        Sid: 'PollQueue0',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: '${aws_sqs_queue.queue.arn}',
      });
      expect(statement(json, 'DecryptQueue0').Resource).toBe('arn:aws:kms:us-west-2:111111111111:key/q');
    });

    it('fails on an unbounded batch, naming every problem', () => {
      expect(() =>
        synth((stack) => new BundledFunction(stack, 'fn', base).addSqsSource('arn:aws:sqs:us-west-2:111111111111:q', { batchSize: 500, maxBatchingWindowSeconds: 60 })),
      ).toThrow('addSqsSource: batchSize: expected 1 to 100, found 500; maxBatchingWindowSeconds: expected 0 to 30, found 60');
    });
  });

  describe('addSchedule', () => {
    const failures = 'arn:aws:sqs:us-west-2:111111111111:pcm-dev-batcher-failures';
    const { json } = synth((stack) => {
      new BundledFunction(stack, 'fn', { ...base, lambda: 'cnes-batcher', environment: written('cnes-batcher', { ARCHIVE_BUCKET: 'b' }), reservedConcurrency: 1, asyncFailureQueueArn: failures }).addSchedule('rate(15 minutes)');
    });

    it('creates the rule and its target', () => {
      expect(resources(json, 'aws_cloudwatch_event_rule')).toEqual([expect.objectContaining({ schedule_expression: 'rate(15 minutes)', name: 'pcm-dev-staging-submit' })]);
      expect(resources(json, 'aws_cloudwatch_event_target')).toEqual([
        expect.objectContaining({ arn: expect.stringContaining('aws_lambda_function.'), retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 } }),
      ]);
    });

    it("lets EventBridge invoke the function only from that rule's ARN", () => {
      const permissions = resources(json, 'aws_lambda_permission');
      expect(permissions).toHaveLength(1);
      expect(permissions[0]).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 'events.amazonaws.com',
        source_arn: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.fn_schedule-0_[0-9A-F]+\.arn\}$/),
      });
    });

    it('sends runs that fail their bounded retries to the failure queue, and may send there', () => {
      const configs = resources(json, 'aws_lambda_function_event_invoke_config');
      expect(configs).toHaveLength(1);
      expect(configs[0]).toMatchObject({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600, destination_config: { on_failure: { destination: failures } } });
      expect(statement(json, 'SendFailedRuns')).toEqual({ Sid: 'SendFailedRuns', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: failures });
    });

    it('fails without a failure queue or with a malformed expression', () => {
      expect(() => synth((stack) => new BundledFunction(stack, 'fn', base).addSchedule('every 5 minutes'))).toThrow(
        'addSchedule: expression: expected rate(...) or cron(...), found "every 5 minutes"; asyncFailureQueueArn: a scheduled function needs a queue',
      );
    });
  });

  it('fails on bad props, naming each with the value found', () => {
    expect(() =>
      synth((stack) => new BundledFunction(stack, 'fn', { ...base, functionName: 'bad name!', logRetentionDays: 10, timeoutSeconds: 1000, environment: written('staging-submit', { AWS_REGION: 'x' }) })),
    ).toThrow(
      'BundledFunction bad name!: functionName: expected 1 to 64 letters, digits, "-" or "_", found "bad name!"; logRetentionDays: expected one of 1, 3, 5, 7, 14, 30,',
    );
    expect(() => synth((stack) => new BundledFunction(stack, 'fn', { ...base, timeoutSeconds: 1000, environment: written('staging-submit', { AWS_REGION: 'x' }) }))).toThrow(
      'timeoutSeconds: expected a whole number from 1 to 900, found 1000; environment: "AWS_REGION" is not a name a function may set',
    );
  });

  it("refuses an environment its handler's contract did not write", () => {
    // Another handler's contract: its variables are not the ones this handler reads.
    expect(() => synth((stack) => new BundledFunction(stack, 'fn', { ...base, lambda: 'cnes-batcher' }))).toThrow(
      "environment: expected one written by lambdas/cnes-batcher/contract.ts, found staging-submit's",
    );
    // A hand-made record (the types refuse it; a cast gets past them) or a copy of a written one.
    const handMade = { DATASET_BUCKET: 'b' } as unknown as WrittenEnvironment;
    const copied = { ...base.environment };
    for (const environment of [handMade, copied]) {
      expect(() => synth((stack) => new BundledFunction(stack, 'fn', { ...base, environment }))).toThrow(
        'environment: expected one written by lambdas/staging-submit/contract.ts, found one no contract wrote (or a copy of one)',
      );
    }
  });

  it("takes what the handler's own contract writes, and the brand never becomes a variable", () => {
    const environment = STAGING_SUBMIT_ENV.write({
      mozart: { url: 'https://10.0.0.5' },
      datasetBucket: 'pcm-dev-dataset-111111111111',
      prefix: 'staging_area/',
      suffix: '.met.json',
      job: { type: 'ingest', release: '4.0.0', queue: 'factotum-job_worker-small' },
      idempotencyTable: 'pcm-dev-idempotency',
    });
    const { json } = synth((stack) => new BundledFunction(stack, 'fn', { ...base, environment }));
    const fn = Object.values(json.resource.aws_lambda_function)[0] as Json;
    expect(Object.keys(fn.environment.variables).sort()).toEqual(STAGING_SUBMIT_ENV.variables.filter((v) => v.name in environment).map((v) => v.name).sort());
  });

  const mirror = process.env[PROVIDER_MIRROR_VARIABLE];
  const hasTerraform = spawnSync(terraformBinary(), ['version']).status === 0;
  if (!hasTerraform || !mirror) console.warn(`SKIPPED: terraform validate of BundledFunction needs terraform and ${PROVIDER_MIRROR_VARIABLE}.`);
  (hasTerraform && mirror ? it : it.skip)('passes terraform validate with every feature on, each of the four handlers', async () => {
    const { dir } = synth((stack) => {
      const queue = new SqsQueue(stack, 'queue', { name: 'q' });
      const failures = new SqsQueue(stack, 'failures', { name: 'f' });
      for (const lambda of ['staging-submit', 'cnm-r-consumer', 'cnm-s-sender'] as const) {
        new BundledFunction(stack, lambda, { ...base, lambda, environment: written(lambda, { DATASET_BUCKET: 'b' }), functionName: `pcm-dev-${lambda}`, vpc: { subnetIds: ['subnet-a'], securityGroupIds: ['sg-1'] }, kmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/k' }).addSqsSource(queue.arn, { maxConcurrency: 5 });
      }
      new BundledFunction(stack, 'batcher', { ...base, lambda: 'cnes-batcher', environment: written('cnes-batcher', { ARCHIVE_BUCKET: 'b' }), functionName: 'pcm-dev-cnes-batcher', reservedConcurrency: 1, asyncFailureQueueArn: failures.arn, accountId: undefined }).addSchedule('cron(0/15 * * * ? *)');
    });
    expect(existsSync(dir)).toBe(true);
    expect(await validateStackDir(dir)).toEqual({ valid: true, diagnostics: [] });
  }, 120000);
});
