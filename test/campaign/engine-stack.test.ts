/**
 * The campaign engine as synthesized Terraform: `bulk` with campaigns enabled, read from the
 * compute stack's JSON, checked by the rule pack and by `terraform validate`.
 */
import { RULES } from '../../check/pack';
import { CAMPAIGN_SUBMIT_DEFAULTS, CAMPAIGN_SUBMIT_ENV } from '../../lambdas/campaign-submit/contract';
import { readSettings } from '../../lambdas/campaign-submit/handler';
import { reservedConcurrencyOf } from '../../stacks/reserved-concurrency';
import { runChecks } from '../../check/run-checks';
import { StackView } from '../../check/stack-view';
import { validateSources } from '../../config-generator/loader';
import { validateStackDir } from '../../lib/terraform-cli';
import { campaignDefinition } from '../../modules/campaign/definitions';
import { RETRY_LIMIT_MAX, RETRY_SCHEDULE, retryDefinition } from '../../modules/campaign/retry-definition';
import { campaignNames } from '../../modules/campaign/names';
import { verifyDefinition } from '../../modules/campaign/verify-definition';
import { Naming } from '../../modules/naming';
import { fixtureData, fixtureSources } from '../support/fixtures';
import { resourcesOf, synthesize, type StackJson } from '../support/synth';
import { hasTerraformWithMirror } from '../support/terraform';

const bulk = fixtureData('bulk');
bulk.campaigns = { enabled: true, defaults: { chunkSize: 50 } };
const { environments, issues } = validateSources(fixtureSources({ bulk }));
const selected = environments.filter((e) => e.config.environment.name === 'bulk' || e.config.environment.name === 'dev');
const { stacks, dirs } = synthesize(selected, { peers: environments });
const compute = stacks['bulk-compute'];
const config = selected.find((e) => e.config.environment.name === 'bulk')!.config;
const names = campaignNames(Naming.of(config));
const only = (type: string): StackJson => {
  const found = Object.values(resourcesOf(compute, type));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('campaign engine (bulk-compute with campaigns.enabled)', () => {
  it('accepts campaigns in the environment file', () => {
    expect(issues).toEqual([]);
    expect(config.campaigns).toEqual({ enabled: true, defaults: { chunkSize: 50 } });
  });

  it('deploys nothing for campaigns where they are not enabled', () => {
    expect(resourcesOf(stacks['dev-compute'], 'aws_sfn_state_machine')).toEqual({});
    expect(Object.values(resourcesOf(stacks['dev-compute'], 'aws_dynamodb_table')).map((t: StackJson) => t.name)).not.toContain('pcm-dev-campaigns');
  });

  it('keeps a ledger keyed by campaign and item, encrypted with the environment key', () => {
    const ledger = Object.values(resourcesOf(compute, 'aws_dynamodb_table')).find((t: StackJson) => t.name === names.ledgerTable);
    expect(ledger).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'campaign',
      range_key: 'item',
      server_side_encryption: { enabled: true, kms_key_arn: expect.stringContaining('data.aws_kms_alias.environment-key') },
    });
  });

  it('runs the production definition, encrypted, logging errors to its KMS-encrypted group without execution data', () => {
    const machine = Object.values(resourcesOf(compute, 'aws_sfn_state_machine')).find((m: StackJson) => m.name === 'pcm-bulk-campaign');
    expect(JSON.parse(machine.definition)).toEqual(campaignDefinition({ partition: 'aws', ledgerTable: names.ledgerTable, resultBucket: `pcm-bulk-dataset-${config.aws.accountId}`, resultPrefix: 'campaigns/results', submitFunctionArn: names.submitFunctionArn }));
    expect(machine.encryption_configuration).toMatchObject({ type: 'CUSTOMER_MANAGED_KMS_KEY' });
    expect(machine.logging_configuration).toMatchObject({ level: 'ERROR', include_execution_data: false, log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..*\.arn\}:\*$/) });
    const group = Object.values(resourcesOf(compute, 'aws_cloudwatch_log_group')).find((g: StackJson) => g.name === '/aws/vendedlogs/states/pcm-bulk-campaign');
    // bulk is an ops-like kind: a year of logs.
    expect(group).toMatchObject({ retention_in_days: 365, kms_key_id: expect.any(String) });
  });

  it("gives the state machine's role only the config's Batch queues and definitions, the ledger, and its own children", () => {
    const policy = Object.values(resourcesOf(compute, 'aws_iam_role_policy')).find((p: StackJson) => String(p.role).includes('campaigns_role'));
    const statements = JSON.parse(policy.policy).Statement as { Sid: string; Action: string | string[]; Resource: string | string[] }[];
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    const account = config.aws.accountId;
    expect(bySid.SubmitsCampaignJobs.Resource).toEqual([
      ...config.batch.jobQueues.map((q) => `arn:aws:batch:us-west-2:${account}:job-queue/pcm-bulk-batch-${q.name}`),
      ...config.batch.jobDefinitions.flatMap((d) => [`arn:aws:batch:us-west-2:${account}:job-definition/pcm-bulk-batch-${d.name}`, `arn:aws:batch:us-west-2:${account}:job-definition/pcm-bulk-batch-${d.name}:*`]),
    ]);
    expect(bySid.WritesLedger.Resource).toBe(`arn:aws:dynamodb:us-west-2:${account}:table/pcm-bulk-campaigns`);
    expect(bySid.RunsChildWorkflows.Resource).toBe(`arn:aws:states:us-west-2:${account}:stateMachine:pcm-bulk-campaign`);
    expect(bySid.WritesResults.Resource).toBe(`arn:aws:s3:::pcm-bulk-dataset-${account}/campaigns/results/*`);
    // The deployed Batch names are the ones BatchEnvironment gives.
    const queues = Object.values(resourcesOf(compute, 'aws_batch_job_queue')).map((q: StackJson) => q.name);
    expect(queues).toEqual(config.batch.jobQueues.map((q) => names.batch(q.name)));
  });

  it('lets the state machine invoke campaign-submit and no other function', () => {
    const policy = Object.values(resourcesOf(compute, 'aws_iam_role_policy')).find((p: StackJson) => String(p.role).includes('campaigns_role'));
    const statements = JSON.parse(policy.policy).Statement as { Sid: string; Action: string | string[]; Resource: string | string[] }[];
    const invoking = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('lambda:')));
    expect(invoking).toEqual([
      { Sid: 'InvokesCampaignSubmit', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [names.submitFunctionArn, `${names.submitFunctionArn}:*`] },
    ]);
    expect(names.submitFunctionArn).toBe(`arn:aws:lambda:us-west-2:${config.aws.accountId}:function:pcm-bulk-campaign-submit`);
  });

  it('deploys campaign-submit in the VPC with reserved concurrency, Mozart\'s URL and its own encrypted log group, and least privilege', () => {
    const fn = Object.values(resourcesOf(compute, 'aws_lambda_function')).find((f: StackJson) => f.function_name === names.submitFunction);
    expect(fn).toMatchObject({
      reserved_concurrent_executions: CAMPAIGN_SUBMIT_DEFAULTS.reservedConcurrency,
      timeout: CAMPAIGN_SUBMIT_DEFAULTS.timeoutSeconds,
      kms_key_arn: expect.any(String),
      // The same security group as the message Lambdas, which mozart lets in on 443.
      vpc_config: { subnet_ids: config.network.privateSubnetIds, security_group_ids: [expect.stringMatching(/^\$\{aws_security_group\.lambdas_mozart-clients_.*\.id\}$/)] },
    });
    // The contract's variables, and Mozart's (read by lambdas/shared/mozart.ts) in the handler's own parsing.
    const variables = fn.environment.variables as Record<string, string>;
    const env = CAMPAIGN_SUBMIT_ENV.names;
    expect(variables).toMatchObject({ [env.maxRows]: String(CAMPAIGN_SUBMIT_DEFAULTS.maxRows), [env.attempts]: String(CAMPAIGN_SUBMIT_DEFAULTS.attempts), [env.mozart.url]: expect.stringMatching(/^https:\/\//) });
    expect(readSettings(variables)).toMatchObject({ maxRows: CAMPAIGN_SUBMIT_DEFAULTS.maxRows, attempts: CAMPAIGN_SUBMIT_DEFAULTS.attempts, mozart: { url: variables.MOZART_URL } });
    const group = Object.values(resourcesOf(compute, 'aws_cloudwatch_log_group')).find((g: StackJson) => g.name === `/aws/lambda/${names.submitFunction}`);
    expect(group).toMatchObject({ retention_in_days: 365, kms_key_id: expect.any(String) });

    const policy = Object.values(resourcesOf(compute, 'aws_iam_role_policy')).find((p: StackJson) => String(p.role).includes('submit-function'));
    const statements = JSON.parse(policy.policy).Statement as { Sid: string; Action: string | string[]; Resource: string | string[] }[];
    // Its log group, the key of its environment, the VPC's network interfaces: nothing else (no
    // secret, no data: the chunk arrives in the event and Mozart's API takes no credentials).
    expect(statements.map((st) => [st.Sid, st.Action, st.Resource])).toEqual([
      ['WriteOwnLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents'], expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.campaigns_submit-function_logs.*\.arn\}:\*$/)],
      ['ManageVpcNetworkInterfaces', expect.any(Array), '*'],
      ['DecryptOwnEnvironment', ['kms:Decrypt'], fn.kms_key_arn],
    ]);
    // The deploy guard checks its reservation against the account's quota.
    expect(reservedConcurrencyOf(config, Naming.of(config))).toContainEqual({ functionName: names.submitFunction, reserved: CAMPAIGN_SUBMIT_DEFAULTS.reservedConcurrency });
  });

  it('alarms to the alerts topic when a campaign pass fails or times out', () => {
    const alarms = Object.values(resourcesOf(compute, 'aws_cloudwatch_metric_alarm')).filter((a: StackJson) => a.namespace === 'AWS/States');
    expect(alarms.map((a: StackJson) => `${a.dimensions.StateMachineArn.split(':').pop()} ${a.metric_name}`).sort()).toEqual([
      'pcm-bulk-campaign ExecutionsFailed',
      'pcm-bulk-campaign ExecutionsTimedOut',
      'pcm-bulk-campaign-retry ExecutionsFailed',
      'pcm-bulk-campaign-retry ExecutionsTimedOut',
      'pcm-bulk-campaign-verify ExecutionsFailed',
      'pcm-bulk-campaign-verify ExecutionsTimedOut',
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ dimensions: { StateMachineArn: expect.stringMatching(/^arn:aws:states:us-west-2:\d+:stateMachine:pcm-bulk-campaign(-retry|-verify)?$/) }, alarm_actions: [`arn:aws:sns:us-west-2:${config.aws.accountId}:pcm-bulk-alerts`] });
    }
  });

  it('keeps the sparse retryable index on the ledger', () => {
    const ledger = Object.values(resourcesOf(compute, 'aws_dynamodb_table')).find((t: StackJson) => t.name === names.ledgerTable);
    expect(ledger.global_secondary_index).toEqual([{ name: 'retryable', hash_key: 'retryable', range_key: 'item', projection_type: 'ALL' }]);
  });

  it('runs the retry state machine on an encrypted schedule, with roles limited to what it moves and starts', () => {
    const retry = Object.values(resourcesOf(compute, 'aws_sfn_state_machine')).find((m: StackJson) => m.name === names.retryStateMachine);
    expect(JSON.parse(retry.definition)).toEqual(
      retryDefinition({ partition: 'aws', ledgerTable: names.ledgerTable, campaignStateMachineArn: names.stateMachineArn, retryStateMachineArn: names.retryStateMachineArn, bucket: `pcm-bulk-dataset-${config.aws.accountId}`, prefix: 'campaigns/' }),
    );
    expect(retry).toMatchObject({ encryption_configuration: { type: 'CUSTOMER_MANAGED_KMS_KEY' }, logging_configuration: { level: 'ERROR', include_execution_data: false } });
    const schedule = only('aws_scheduler_schedule');
    expect(schedule).toMatchObject({ name: names.retrySchedule, schedule_expression: RETRY_SCHEDULE.expression, kms_key_arn: expect.any(String), flexible_time_window: { mode: 'FLEXIBLE' } });
    expect(schedule.target.arn).toMatch(/^\$\{aws_sfn_state_machine\..*retry.*\.arn\}$/);
    expect(JSON.parse(schedule.target.input)).toEqual({ limit: RETRY_LIMIT_MAX, backoffSeconds: RETRY_SCHEDULE.backoffSeconds });
    const policies = Object.values(resourcesOf(compute, 'aws_iam_role_policy'));
    const statementsOf = (role: string) => JSON.parse(policies.find((p) => String(p.role).includes(role))!.policy).Statement as { Sid: string; Action: string | string[]; Resource: string | string[] }[];
    expect(statementsOf('retry-schedule-role').map((st) => [st.Sid, st.Action, st.Resource])).toEqual([
      ['StartsRetry', 'states:StartExecution', names.retryStateMachineArn],
      ['ReadsScheduleInput', 'kms:Decrypt', expect.any(String)],
    ]);
    const retryStatements = Object.fromEntries(statementsOf('retry-role_').map((st) => [st.Sid, st]));
    expect(retryStatements.StartsPasses.Resource).toEqual([names.stateMachineArn, names.retryStateMachineArn]);
    expect(retryStatements.ReadsLedger.Resource).toEqual([names.ledgerTableArn, `${names.ledgerTableArn}/index/retryable`]);
    expect(retryStatements.WritesRetryInventories.Resource).toBe(`arn:aws:s3:::pcm-bulk-dataset-${config.aws.accountId}/campaigns/*`);
  });

  it('sends the SUCCEEDED and FAILED Batch job events of the campaign queues to the campaign-events Lambda', () => {
    const rule = Object.values(resourcesOf(compute, 'aws_cloudwatch_event_rule')).find((r: StackJson) => r.name === 'pcm-bulk-campaign-events');
    const account = config.aws.accountId;
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ['aws.batch'],
      'detail-type': ['Batch Job State Change'],
      detail: { status: ['SUCCEEDED', 'FAILED'], jobQueue: config.batch.jobQueues.map((q) => `arn:aws:batch:us-west-2:${account}:job-queue/pcm-bulk-batch-${q.name}`) },
    });
    const targets = Object.values(resourcesOf(compute, 'aws_cloudwatch_event_target')).filter((t: StackJson) => String(t.rule).includes('campaigns_events'));
    expect(targets).toHaveLength(1);
    expect(targets[0].arn).toMatch(/^\$\{aws_lambda_function\.campaigns_events_function_.*\.arn\}$/);
    const fn = Object.values(resourcesOf(compute, 'aws_lambda_function')).find((f: StackJson) => f.function_name === 'pcm-bulk-campaign-events');
    expect(fn.environment.variables).toEqual({ LEDGER_TABLE: names.ledgerTable });
    expect(fn.kms_key_arn).toEqual(expect.any(String));
    // Events it fails on every retry go to its DLQ, which alarms.
    const invoke = Object.values(resourcesOf(compute, 'aws_lambda_function_event_invoke_config')).find((c: StackJson) => String(c.function_name).includes('campaigns_events'));
    expect(invoke.destination_config.on_failure.destination).toMatch(/aws_sqs_queue\.campaigns_events_dead-letter/);
    const dlq = Object.values(resourcesOf(compute, 'aws_sqs_queue')).find((q: StackJson) => q.name === 'pcm-bulk-campaign-events-dlq');
    expect(dlq.kms_master_key_id).toEqual(expect.any(String));
    const group = Object.values(resourcesOf(compute, 'aws_cloudwatch_log_group')).find((g: StackJson) => g.name === '/aws/lambda/pcm-bulk-campaign-events');
    expect(group).toMatchObject({ retention_in_days: 365, kms_key_id: expect.any(String) });
  });

  it("gives the campaign-events Lambda's role UpdateItem on the ledger and nothing else of DynamoDB", () => {
    const policy = Object.values(resourcesOf(compute, 'aws_iam_role_policy')).find((p: StackJson) => String(p.role).includes('campaigns_events_function_role'));
    const statements = JSON.parse(policy.policy).Statement as { Sid: string; Action: string | string[]; Resource: string | string[] }[];
    expect(statements.map((st) => st.Sid)).toEqual(['MovesLedgerRows', 'UsesLedgerKey', 'WriteOwnLogGroup', 'DecryptOwnEnvironment', 'SendFailedRuns']);
    expect(statements[0]).toEqual({ Sid: 'MovesLedgerRows', Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: names.ledgerTableArn });
    expect(statements.flatMap((st) => [st.Action].flat()).filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:UpdateItem']);
    expect(statements.find((st) => st.Sid === 'SendFailedRuns')!.Resource).toMatch(/aws_sqs_queue\.campaigns_events_dead-letter/);
  });

  it('runs the verify state machine, encrypted, with a role that queries and updates the ledger, HEADs the dataset bucket and continues only itself', () => {
    const verify = Object.values(resourcesOf(compute, 'aws_sfn_state_machine')).find((m: StackJson) => m.name === names.verifyStateMachine);
    expect(JSON.parse(verify.definition)).toEqual(verifyDefinition({ partition: 'aws', ledgerTable: names.ledgerTable, verifyStateMachineArn: names.verifyStateMachineArn }));
    expect(verify).toMatchObject({ encryption_configuration: { type: 'CUSTOMER_MANAGED_KMS_KEY' }, logging_configuration: { level: 'ERROR', include_execution_data: false } });
    const policy = Object.values(resourcesOf(compute, 'aws_iam_role_policy')).find((p: StackJson) => String(p.role).includes('verify-role'));
    const bySid = Object.fromEntries((JSON.parse(policy.policy).Statement as { Sid: string; Action: string | string[]; Resource: string | string[] }[]).map((st) => [st.Sid, [st.Action, st.Resource]]));
    const dataset = `arn:aws:s3:::pcm-bulk-dataset-${config.aws.accountId}`;
    expect(bySid).toMatchObject({
      ReadsLedger: ['dynamodb:Query', names.ledgerTableArn],
      MovesRows: ['dynamodb:UpdateItem', names.ledgerTableArn],
      ChecksOutputs: ['s3:GetObject', `${dataset}/*`],
      TellsMissingOutputs: ['s3:ListBucket', dataset],
      ContinuesAsNew: ['states:StartExecution', names.verifyStateMachineArn],
    });
  });

  it('passes every check rule on the campaign resources', () => {
    const views = Object.entries(stacks).filter(([n]) => n.startsWith('bulk-')).map(([n, json]) => new StackView(n, json));
    const { findings } = runChecks(config, views, RULES);
    const campaign = findings.filter((f) => !f.suppressed && /campaign/.test(f.path));
    expect(campaign).toEqual([]);
  });

  (hasTerraformWithMirror() ? it : it.skip)('passes terraform validate', async () => {
    expect(await validateStackDir(dirs['bulk-compute'])).toEqual({ valid: true, diagnostics: [] });
  }, 180000);
});
