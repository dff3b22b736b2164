/** MessageLambdas: which handlers each environment gets, how they are fed, and what they may do. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { MessageLambdas } from '../../modules/messaging/message-lambdas';
import { Naming } from '../../modules/naming';

import { FIXTURE, fixtureEnvironments } from '../support/fixtures';
import type { StackJson as Json } from '../support/synth';
const environments = fixtureEnvironments();
const KEY = `arn:aws:kms:us-west-2:${FIXTURE.accounts.ops}:key/test`;

function synth(name: string): Json {
  const config = environments.find((e) => e.config.environment.name === name)!.config;
  const outdir = mkdtempSync(join(tmpdir(), 'pcm-lambdas-'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'lambdas');
  new AwsProvider(stack, 'aws', { region: config.aws.region });
  new MessageLambdas(stack, 'lambdas', { config, naming: Naming.of(config), kmsKeyArn: KEY, mozartUrl: 'https://10.0.0.10', logRetentionDays: 30 });
  app.synth();
  return JSON.parse(readFileSync(join(outdir, 'stacks', 'lambdas', 'cdk.tf.json'), 'utf8'));
}
const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const fn = (json: Json, name: string) => resources(json, 'aws_lambda_function').find((f) => f.function_name === name);
const policyOf = (json: Json, name: string) =>
  JSON.parse(resources(json, 'aws_iam_role_policy').find((p) => p['//'].metadata.path.includes(`/${name.replace(/^pcm-\w+-/, '')}/`)).policy);

describe('MessageLambdas', () => {
  const ops = synth('ops');
  const dev = synth('dev');
  const adt = synth('adt');

  it("verifies mozart against the configured CA, or not at all only by tls.mozart's named setting", () => {
    const opsConfig = environments.find((e) => e.config.environment.name === 'ops')!.config;
    const ca = opsConfig.tls?.mozart && 'caCertificate' in opsConfig.tls.mozart ? opsConfig.tls.mozart.caCertificate : undefined;
    expect(ca).toBeDefined();
    expect(fn(ops, 'pcm-ops-staging-submit').environment.variables.MOZART_CA_PEM).toBe(ca);
    expect(fn(ops, 'pcm-ops-staging-submit').environment.variables.MOZART_TLS_INSECURE).toBeUndefined();
    // dev says verify: false with a reason.
    expect(fn(dev, 'pcm-dev-staging-submit').environment.variables).toMatchObject({ MOZART_TLS_INSECURE: 'true' });
    expect(fn(dev, 'pcm-dev-staging-submit').environment.variables.MOZART_CA_PEM).toBeUndefined();
  });

  it('caps every SQS source at lambdas.sqsMaximumConcurrency, 5 by default', () => {
    const mappings = resources(ops, 'aws_lambda_event_source_mapping');
    expect(mappings).toHaveLength(3);
    for (const m of mappings) expect(m.scaling_config).toEqual({ maximum_concurrency: 5 });
  });

  it('gives each environment the handlers its channels need', () => {
    const names = (json: Json) => resources(json, 'aws_lambda_function').map((f) => f.function_name).sort();
    expect(names(ops)).toEqual(['pcm-ops-cnes-batcher', 'pcm-ops-cnm-r-consumer', 'pcm-ops-cnm-s-sender', 'pcm-ops-staging-submit']);
    // adt has neither a DAAC nor CNES: only the staging area.
    expect(names(adt)).toEqual(['pcm-adt-staging-submit']);
  });

  it('feeds each queue-driven handler from its channel, reporting failures per record', () => {
    const sources = resources(ops, 'aws_lambda_event_source_mapping').map((m) => m.event_source_arn).sort();
    expect(sources).toEqual(['cnm-r', 'cnm-s-outbox', 'staging'].map((c) => `arn:aws:sqs:us-west-2:${FIXTURE.accounts.ops}:pcm-ops-${c}`));
    for (const m of resources(ops, 'aws_lambda_event_source_mapping')) expect(m.function_response_types).toEqual(['ReportBatchItemFailures']);
  });

  it('runs the job submitters in the VPC, in a group that only goes out on 443', () => {
    for (const name of ['pcm-ops-staging-submit', 'pcm-ops-cnm-r-consumer']) {
      expect(fn(ops, name).vpc_config).toEqual({ subnet_ids: FIXTURE.subnetIds('ops'), security_group_ids: [expect.stringContaining('aws_security_group.')] });
      expect(fn(ops, name).environment.variables).toMatchObject({ MOZART_URL: 'https://10.0.0.10' });
    }
    expect(fn(ops, 'pcm-ops-cnm-s-sender').vpc_config).toBeUndefined();
    const [group] = resources(ops, 'aws_security_group');
    expect(group.ingress ?? []).toEqual([]);
    expect(group.egress).toEqual([expect.objectContaining({ protocol: 'tcp', from_port: 443, to_port: 443 })]);
  });

  it('configures the staging submitter from the staging area settings', () => {
    expect(fn(ops, 'pcm-ops-staging-submit').environment.variables).toEqual({
      MOZART_URL: 'https://10.0.0.10',
      // ops verifies mozart against the CA its config names (tls.mozart.caCertificate).
      MOZART_CA_PEM: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/),
      DATASET_BUCKET: `pcm-ops-dataset-${FIXTURE.accounts.ops}`,
      STAGING_PREFIX: 'staging_area/',
      STAGING_SUFFIX: '.met.json',
      JOB_TYPE: 'ingest_staged',
      JOB_RELEASE: FIXTURE.release,
      JOB_QUEUE: 'factotum-job_worker-small',
      IDEMPOTENCY_TABLE: 'pcm-ops-idempotency',
    });
    expect(policyOf(ops, 'staging-submit').Statement).toContainEqual({ Sid: 'ReadsSignalFiles', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::pcm-ops-dataset-${FIXTURE.accounts.ops}/staging_area/*` });
  });

  it('sends CNM-S to the DAAC stream as the DAAC role (ops), or straight to the stand-in (dev)', () => {
    expect(fn(ops, 'pcm-ops-cnm-s-sender').environment.variables).toMatchObject({
      STREAM_ARN: FIXTURE.daacStreamArn('ops'),
      STREAM_ROLE_ARN: FIXTURE.daacWriterRoleArn('ops'),
      CNM_VERSION: '1.6.0',
    });
    expect(policyOf(ops, 'cnm-s-sender').Statement).toContainEqual({ Sid: 'AssumesDaacWriterRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: FIXTURE.daacWriterRoleArn('ops') });
    expect(fn(dev, 'pcm-dev-cnm-s-sender').environment.variables.STREAM_ROLE_ARN).toBeUndefined();
    expect(policyOf(dev, 'cnm-s-sender').Statement).toContainEqual({ Sid: 'WritesStandInStream', Effect: 'Allow', Action: 'kinesis:PutRecord', Resource: `arn:aws:kinesis:us-west-2:${FIXTURE.accounts.dev}:stream/pcm-dev-cnm-s` });
  });

  it('runs the CNES batcher alone, on the configured interval, failures to the failed-invocations queue', () => {
    expect(fn(ops, 'pcm-ops-cnes-batcher').reserved_concurrent_executions).toBe(1);
    expect(resources(ops, 'aws_cloudwatch_event_rule').map((r) => r.schedule_expression)).toEqual(['rate(15 minutes)']);
    const [invoke] = resources(ops, 'aws_lambda_function_event_invoke_config');
    expect(invoke.destination_config.on_failure.destination).toBe(`arn:aws:sqs:us-west-2:${FIXTURE.accounts.ops}:pcm-ops-failed-invocations`);
  });

  it('alarms when the CNES backlog metric the batcher logs grows over three consecutive runs', () => {
    expect(fn(ops, 'pcm-ops-cnes-batcher').environment.variables).toMatchObject({ MAX_ARCHIVES_PER_CNM_S: '1000' });
    const alarms = resources(ops, 'aws_cloudwatch_metric_alarm');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      alarm_name: 'pcm-ops-cnes-batcher-backlog-growing',
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      alarm_actions: [`arn:aws:sns:us-west-2:${FIXTURE.accounts.ops}:pcm-ops-alerts`],
      metric_query: [
        {
          id: 'backlog',
          return_data: false,
          // The names the handler's EMF line uses (lambdas/cnes-batcher/backlog-metric.ts); one run per period.
          metric: { namespace: 'PCM/CnesBatcher', metric_name: 'Backlog', dimensions: { FunctionName: 'pcm-ops-cnes-batcher' }, period: 900, stat: 'Maximum' },
        },
        expect.objectContaining({ id: 'growth', expression: 'DIFF(backlog)', return_data: true }),
      ],
    });
    // The metric comes from the log line: the function needs no cloudwatch:PutMetricData.
    expect(JSON.stringify(policyOf(ops, 'pcm-ops-cnes-batcher'))).not.toContain('cloudwatch:');
    expect(resources(adt, 'aws_cloudwatch_metric_alarm')).toHaveLength(0);
  });

  it('lets the CNM-R consumer write its records but nothing else in cnm-r/', () => {
    const statements = policyOf(ops, 'cnm-r-consumer').Statement;
    expect(statements).toContainEqual({ Sid: 'RecordsResponses', Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::pcm-ops-messages-${FIXTURE.accounts.ops}/cnm-r/received/*` });
    expect(statements.filter((s: Json) => [s.Action].flat().includes('s3:PutObject'))).toHaveLength(1);
  });

  it('keeps every function log group for the given days, encrypted with the key', () => {
    for (const g of resources(ops, 'aws_cloudwatch_log_group')) expect(g).toMatchObject({ retention_in_days: 30, kms_key_id: KEY });
    expect(resources(ops, 'aws_cloudwatch_log_group')).toHaveLength(4);
  });
});
