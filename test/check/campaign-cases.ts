/**
 * Fixtures for the rules the campaign engine brought (PCM-SFN-*, PCM-DDB-1, PCM-SCH-1): each breaks or keeps
 * one control, written as cdktf writes Terraform JSON.
 */
import { FIXTURE } from '../support/fixtures';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
export interface CampaignCase {
  readonly pass: { readonly resources: Resources };
  readonly fail: { readonly resources: Resources };
  readonly finds: { readonly address: string; readonly problem: RegExp };
}

const KEY = `arn:aws:kms:us-west-2:${FIXTURE.accounts.ops}:key/k`;
const machine = (extra: Record<string, unknown> = {}) => ({
  name: 'pcm-bulk-campaign',
  role_arn: '${aws_iam_role.r.arn}',
  definition: '{}',
  logging_configuration: { level: 'ERROR', include_execution_data: false, log_destination: '${aws_cloudwatch_log_group.l.arn}:*' },
  encryption_configuration: { type: 'CUSTOMER_MANAGED_KMS_KEY', kms_key_id: KEY },
  ...extra,
});
const logGroup = (extra: Record<string, unknown> = {}) => ({ name: '/aws/vendedlogs/states/pcm-bulk-campaign', retention_in_days: 30, ...extra });

const schedule = (extra: Record<string, unknown> = {}) => ({
  name: 'pcm-bulk-campaign-retry',
  schedule_expression: 'rate(1 hour)',
  flexible_time_window: { mode: 'FLEXIBLE', maximum_window_in_minutes: 15 },
  target: { arn: '${aws_sfn_state_machine.m.arn}', role_arn: '${aws_iam_role.r.arn}', input: '{}' },
  ...extra,
});

/** A Distributed Map whose chunk processor invokes a function with these retriers. */
const lambdaDefinition = (retry: readonly { ErrorEquals: readonly string[] }[]) =>
  JSON.stringify({
    StartAt: 'Items',
    States: {
      Items: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Submit',
          States: { Submit: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: `arn:aws:lambda:us-west-2:${FIXTURE.accounts.ops}:function:f` }, Retry: retry, End: true } },
        },
        End: true,
      },
    },
  });
/** A Map whose rows are written by an AWS SDK transaction and an optimized update, each catching `sdkError` and `optimizedError`. */
const ledgerWrites = (sdkError: string, optimizedError: string) => ({
  StartAt: 'Rows',
  States: {
    Rows: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Move',
        States: {
          Move: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:transactWriteItems', Catch: [{ ErrorEquals: [sdkError], Next: 'Mark' }], Next: 'Mark' },
          Mark: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:updateItem', Catch: [{ ErrorEquals: [optimizedError], Next: 'Done' }], Next: 'Done' },
          Done: { Type: 'Succeed' },
        },
      },
      End: true,
    },
  },
});

export function campaignCases(): Record<string, CampaignCase> {
  return {
    'PCM-SFN-1': {
      pass: { resources: { aws_sfn_state_machine: { m: machine() }, aws_cloudwatch_log_group: { l: logGroup({ kms_key_id: KEY }) } } },
      fail: { resources: { aws_sfn_state_machine: { m: machine() }, aws_cloudwatch_log_group: { l: logGroup() } } },
      finds: { address: 'aws_sfn_state_machine.m', problem: /logs to aws_cloudwatch_log_group\.l, which is not encrypted/ },
    },
    'PCM-SFN-2': {
      pass: { resources: { aws_sfn_state_machine: { m: machine() } } },
      fail: { resources: { aws_sfn_state_machine: { m: machine({ encryption_configuration: { type: 'AWS_OWNED_KEY' } }) } } },
      finds: { address: 'aws_sfn_state_machine.m', problem: /not encrypted with a customer-managed KMS key/ },
    },
    'PCM-SFN-3': {
      pass: { resources: { aws_sfn_state_machine: { m: machine({ definition: lambdaDefinition([{ ErrorEquals: ['Lambda.TooManyRequestsException'] }, { ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'] }]) }) } } },
      // The task sits in a Distributed Map's processor, as the campaign's does, and retries throttling only.
      fail: { resources: { aws_sfn_state_machine: { m: machine({ definition: lambdaDefinition([{ ErrorEquals: ['Lambda.TooManyRequestsException'] }]) }) } } },
      finds: { address: 'aws_sfn_state_machine.m', problem: /Lambda task "Items\/Submit" does not retry Lambda\.ServiceException, Lambda\.AWSLambdaException, Lambda\.SdkClientException$/ },
    },
    'PCM-SFN-4': {
      pass: { resources: { aws_sfn_state_machine: { m: machine({ definition: JSON.stringify(ledgerWrites('DynamoDb.TransactionCanceledException', 'DynamoDB.ConditionalCheckFailedException')) }) } } },
      fail: { resources: { aws_sfn_state_machine: { m: machine({ definition: JSON.stringify(ledgerWrites('DynamoDB.TransactionCanceledException', 'DynamoDB.ConditionalCheckFailedException')) }) } } },
      finds: { address: 'aws_sfn_state_machine.m', problem: /state "Move" \(AWS SDK integration\) handles DynamoDB\.TransactionCanceledException, which it never reports; it reports DynamoDb\.TransactionCanceledException/ },
    },
    'PCM-DDB-1': {
      pass: { resources: { aws_dynamodb_table: { t: { name: 'pcm-bulk-campaigns', server_side_encryption: { enabled: true, kms_key_arn: KEY } } } } },
      fail: { resources: { aws_dynamodb_table: { t: { name: 'pcm-bulk-campaigns' } } } },
      finds: { address: 'aws_dynamodb_table.t', problem: /AWS-owned key/ },
    },
    'PCM-SCH-1': {
      pass: { resources: { aws_scheduler_schedule: { s: schedule({ kms_key_arn: KEY }) } } },
      fail: { resources: { aws_scheduler_schedule: { s: schedule() } } },
      finds: { address: 'aws_scheduler_schedule.s', problem: /target input not encrypted with a customer-managed KMS key/ },
    },
  };
}
