/**
 * The retry state machine, as data (Amazon States Language). Run on a schedule (no `campaign` in
 * its input: it starts one retry of itself per campaign of the ledger's index) and on demand
 * (`npm run campaign retry`: input `{campaign, limit, backoffSeconds}`). Its shape for one campaign:
 *
 *   Summary (GetItem) -> Idle? (a pass still running, or a cancelled campaign: nothing to do)
 *   -> FailedRows: one Query of the sparse `retryable` index, Limit = the bound (at most
 *      RETRY_LIMIT_MAX rows a run, so the inline Map below stays far within the 25,000-event
 *      history quota; the next run takes the next ones)
 *   -> Decide (inline Map, each row):
 *        ExitCode (from the Batch job description in the row's cause, when there is one)
 *        -> Verdict: an expected exit code (the job definition's expectedFailureExitCodes), or
 *           attempts at maxAttempts -> Abandon (row and summary in one transaction)
 *           otherwise -> Requeue (row back to waiting, its counter down, in one transaction)
 *   -> AnyToRetry? -> Backoff (full jitter, 0..backoffSeconds) -> WriteInventory (the requeued
 *      rows' own inventory fields, a JSON array in the dataset bucket) -> NextPass (summary
 *      running, passes + 1) -> StartPass (the campaign state machine over that inventory, which
 *      chunks it, within its own quotas, and resubmits the chunks with jittered backoff).
 *
 * The conditional transactions make a row's move happen once even when two runs overlap.
 */
import { CAMPAIGN_INDEX, DYNAMODB_THROTTLES, LEDGER_KEYS, RETRY_INDEX, SUMMARY_ITEM } from '../../lambdas/shared/campaign-contract';
import { inPartition, startExecutionAndEnd, type Asl, type InPartition } from './definitions';

/** Rows one retry run takes at most; the schedule comes back for the rest. */
export const RETRY_LIMIT_MAX = 1000;

/** How often the scheduled retry looks for failed rows, and the jitter's ceiling before a pass. */
export const RETRY_SCHEDULE = { expression: 'rate(1 hour)', backoffSeconds: 300 } as const;

export interface RetryDefinitionProps {
  readonly ledgerTable: string;
  /** The campaign state machine a retry pass runs on. */
  readonly campaignStateMachineArn: string;
  /** This state machine's own ARN (the scheduled run starts one retry per campaign). */
  readonly retryStateMachineArn: string;
  /** Where retry inventories are written (the dataset bucket). */
  readonly bucket: string;
  /** Key prefix of retry inventories. */
  readonly prefix: string;
}

const THROTTLES = [
  { ErrorEquals: [...DYNAMODB_THROTTLES], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 8, JitterStrategy: 'FULL' },
];

const TRANSACTION_CANCELLED = ['DynamoDb.TransactionCanceledException', 'DynamoDB.TransactionCanceledException'];

const rowKey = { [LEDGER_KEYS.partition]: { 'S.$': '$.campaign' }, [LEDGER_KEYS.sort]: { 'S.$': '$.row.item.S' } };
const summaryKey = { [LEDGER_KEYS.partition]: { 'S.$': '$.campaign' }, [LEDGER_KEYS.sort]: { S: SUMMARY_ITEM } };

/**
 * Moves one row from its state (failed or missing) to `to`, and the summary's counters with it,
 * in one transaction conditional on the row still being in that state.
 */
function moveRow(table: string, to: 'abandoned' | 'waiting', output: Asl, next: Asl): Asl {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:dynamodb:transactWriteItems',
    Parameters: {
      TransactItems: [
        {
          Update: {
            TableName: table,
            Key: rowKey,
            // Leaving the retryable index is what takes the row out of the next run's Query.
            UpdateExpression: 'SET #state = :to REMOVE retryable',
            ConditionExpression: '#state = :was',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':to': { S: to }, ':was': { 'S.$': '$.row.state.S' } },
          },
        },
        {
          Update: {
            TableName: table,
            Key: summaryKey,
            // A waiting row is not counted: total less the counted states.
            UpdateExpression: to === 'abandoned' ? 'ADD abandoned :one, #was :minus' : 'ADD #was :minus',
            ExpressionAttributeNames: { '#was.$': '$.row.state.S' },
            ExpressionAttributeValues: to === 'abandoned' ? { ':one': { N: '1' }, ':minus': { N: '-1' } } : { ':minus': { N: '-1' } },
          },
        },
      ],
    },
    ResultSelector: output,
    Retry: [
      ...THROTTLES,
      // The transaction includes the summary item, which every concurrent move also updates:
      // DynamoDB cancels concurrent transactions on one item (TransactionConflict), with the same
      // error as a failed condition. Retried with jitter, a conflict goes through; a failed
      // condition fails again and is caught below.
      { ErrorEquals: TRANSACTION_CANCELLED, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 4, JitterStrategy: 'FULL' },
    ],
    // Another run moved the row first: nothing to do for it.
    Catch: [{ ErrorEquals: TRANSACTION_CANCELLED, Next: 'Moved elsewhere' }],
    ...next,
  };
}

function decide(table: string): Asl {
  return {
    Type: 'Map',
    ItemsPath: '$.found.rows',
    ItemSelector: {
      'row.$': '$$.Map.Item.Value',
      'campaign.$': '$.campaign',
      'maxAttempts.$': '$.summary.spec.limits.maxAttempts',
      'codes.$': '$.summary.spec.job.expectedFailureExitCodes',
    },
    MaxConcurrency: 10,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: 'ExitCode',
      States: {
        // The cause of a Batch failure is the job description (JSON, so it starts with `{`); a
        // timeout, an injected failure or a missing output has none. Chosen before parsing, not
        // caught after: moto 5.2.1 mishandles an error caught around a Pass (States.Runtime).
        ExitCode: {
          Type: 'Choice',
          Choices: [{ And: [{ Variable: '$.row.cause.S', IsPresent: true }, { Variable: '$.row.cause.S', StringMatches: '{*' }], Next: 'Parse cause' }],
          Default: 'No exit code',
        },
        'Parse cause': { Type: 'Pass', Parameters: { 'job.$': 'States.StringToJson($.row.cause.S)' }, ResultPath: '$.parsed', Next: 'Has exit code?' },
        'Has exit code?': { Type: 'Choice', Choices: [{ Variable: '$.parsed.job.Container.ExitCode', IsNumeric: true, Next: 'Read exit code' }], Default: 'No exit code' },
        'Read exit code': { Type: 'Pass', Parameters: { 'code.$': '$.parsed.job.Container.ExitCode' }, ResultPath: '$.exit', Next: 'Facts' },
        'No exit code': { Type: 'Pass', Result: { code: -1 }, ResultPath: '$.exit', Next: 'Facts' },
        Facts: {
          Type: 'Pass',
          Parameters: {
            'expected.$': 'States.ArrayContains($.codes, $.exit.code)',
            'attempts.$': 'States.StringToJson($.row.attempts.N)',
          },
          ResultPath: '$.facts',
          Next: 'Verdict',
        },
        Verdict: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.facts.expected', BooleanEquals: true, Next: 'Abandon' },
            { Variable: '$.facts.attempts', NumericGreaterThanEqualsPath: '$.maxAttempts', Next: 'Abandon' },
          ],
          Default: 'Requeue',
        },
        Abandon: moveRow(table, 'abandoned', { kind: 'abandoned' }, { End: true }),
        // The row's own inventory fields, as the first pass read them, go into the retry inventory.
        Requeue: moveRow(table, 'waiting', { kind: 'retry' }, { ResultPath: '$.moved', Next: 'Retry item' }),
        'Retry item': { Type: 'Pass', Parameters: { kind: 'retry', 'item.$': 'States.StringToJson($.row.row.S)' }, End: true },
        'Moved elsewhere': { Type: 'Pass', Result: { kind: 'skipped' }, End: true },
      },
    },
    // Every decision has a kind, so this path always matches (a filter matching nothing is an error).
    ResultSelector: { 'kinds.$': '$[*].kind', 'all.$': '$' },
    ResultPath: '$.decided',
    Next: 'Tally',
  };
}

function startPass(props: RetryDefinitionProps, emulated: boolean): Asl {
  const parameters = {
    StateMachineArn: props.campaignStateMachineArn,
    'Name.$': "States.Format('{}-retry-{}', $.campaign, $.pass.number)",
    Input: {
      'campaign.$': '$.campaign',
      inventory: { bucket: props.bucket, 'key.$': '$.inventoryKey', format: 'json' },
      'job.$': '$.summary.input.job',
      'limits.$': '$.summary.input.limits',
      'attempt.$': 'States.MathAdd($.pass.number, 1)',
    },
  };
  return startExecutionAndEnd(parameters, '$.started', emulated);
}

function definition(props: RetryDefinitionProps, emulated: boolean): Asl {
  const table = props.ledgerTable;
  return {
    Comment: 'Retries the failed rows of a campaign, a bounded number a run; abandons those at their attempt limit or with an expected exit code.',
    StartAt: 'One campaign?',
    States: {
      'One campaign?': { Type: 'Choice', Choices: [{ Variable: '$.campaign', IsPresent: true, Next: 'Summary' }], Default: 'Campaigns' },
      // The scheduled run: one retry run per campaign of the index, each with the schedule's bounds.
      Campaigns: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:query',
        Parameters: {
          TableName: table,
          KeyConditionExpression: '#p = :index',
          ExpressionAttributeNames: { '#p': LEDGER_KEYS.partition },
          ExpressionAttributeValues: { ':index': { S: CAMPAIGN_INDEX } },
        },
        ResultSelector: { 'names.$': `$.Items[*].${LEDGER_KEYS.sort}.S` },
        ResultPath: '$.index',
        Retry: THROTTLES,
        Next: 'Each campaign',
      },
      'Each campaign': {
        Type: 'Map',
        ItemsPath: '$.index.names',
        ItemSelector: { 'campaign.$': '$$.Map.Item.Value', 'limit.$': '$.limit', 'backoffSeconds.$': '$.backoffSeconds' },
        MaxConcurrency: 5,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Retry one campaign',
          States: {
            'Retry one campaign': {
              Type: 'Task',
              Resource: 'arn:aws:states:::states:startExecution',
              Parameters: { StateMachineArn: props.retryStateMachineArn, 'Input.$': '$' },
              ResultPath: null,
              End: true,
            },
          },
        },
        ResultPath: null,
        End: true,
      },
      Summary: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: { TableName: table, Key: summaryKey, ConsistentRead: true },
        ResultSelector: {
          'phase.$': '$.Item.phase.S',
          'spec.$': 'States.StringToJson($.Item.spec.S)',
          'input.$': 'States.StringToJson($.Item.input.S)',
        },
        ResultPath: '$.summary',
        Retry: THROTTLES,
        Next: 'Idle?',
      },
      'Idle?': {
        Type: 'Choice',
        Choices: [
          { Variable: '$.summary.phase', StringEquals: 'running', Next: 'Busy' },
          { Variable: '$.summary.phase', StringEquals: 'cancelled', Next: 'Busy' },
        ],
        Default: 'FailedRows',
      },
      Busy: { Type: 'Succeed', Comment: 'a pass is running (or the campaign was cancelled): the next run looks again' },
      FailedRows: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:query',
        Parameters: {
          TableName: table,
          IndexName: RETRY_INDEX,
          KeyConditionExpression: 'retryable = :c',
          ExpressionAttributeValues: { ':c': { 'S.$': '$.campaign' } },
          'Limit.$': '$.limit',
        },
        ResultSelector: { 'rows.$': '$.Items' },
        ResultPath: '$.found',
        Retry: THROTTLES,
        Next: 'AnyFailed?',
      },
      'AnyFailed?': { Type: 'Choice', Choices: [{ Variable: '$.found.rows[0]', IsPresent: true, Next: 'Decide' }], Default: 'Nothing to retry' },
      'Nothing to retry': { Type: 'Succeed' },
      Decide: decide(table),
      Tally: { Type: 'Pass', Parameters: { "any.$": "States.ArrayContains($.decided.kinds, 'retry')" }, ResultPath: '$.tally', Next: 'AnyToRetry?' },
      'AnyToRetry?': { Type: 'Choice', Choices: [{ Variable: '$.tally.any', BooleanEquals: true, Next: 'Collect' }], Default: 'Nothing to retry' },
      Collect: { Type: 'Pass', Parameters: { "items.$": "$.decided.all[?(@.kind == 'retry')].item" }, ResultPath: '$.retry', Next: 'Backoff' },
      // Full jitter: retries of many campaigns (and of throttled jobs) do not come back together.
      Backoff: { Type: 'Pass', Parameters: { 'seconds.$': 'States.MathRandom(0, $.backoffSeconds)' }, ResultPath: '$.backoff', Next: 'Wait' },
      Wait: { Type: 'Wait', SecondsPath: '$.backoff.seconds', Next: 'WriteInventory' },
      WriteInventory: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
        Parameters: {
          Bucket: props.bucket,
          'Key.$': `States.Format('${props.prefix}{}/retry-{}.json', $.campaign, $$.Execution.Name)`,
          'Body.$': 'States.JsonToString($.retry.items)',
        },
        ResultPath: null,
        Next: 'Inventory key',
      },
      'Inventory key': { Type: 'Pass', Parameters: { 'key.$': `States.Format('${props.prefix}{}/retry-{}.json', $.campaign, $$.Execution.Name)` }, ResultPath: '$.written', Next: 'NextPass' },
      NextPass: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:updateItem',
        Parameters: {
          TableName: table,
          Key: summaryKey,
          UpdateExpression: 'SET phase = :running REMOVE finishedAt ADD passes :one',
          ExpressionAttributeValues: { ':running': { S: 'running' }, ':one': { N: '1' } },
          ReturnValues: 'UPDATED_NEW',
        },
        ResultSelector: { 'number.$': 'States.StringToJson($.Attributes.passes.N)' },
        ResultPath: '$.pass',
        Retry: THROTTLES,
        Next: 'Pass input',
      },
      'Pass input': { Type: 'Pass', Parameters: { 'campaign.$': '$.campaign', 'inventoryKey.$': '$.written.key', 'summary.$': '$.summary', 'pass.$': '$.pass' }, Next: 'StartPass' },
      StartPass: startPass(props, emulated),
    },
  };
}

/** The definition AWS gets. */
export function retryDefinition(props: RetryDefinitionProps & InPartition): Asl {
  return inPartition(definition(props, false), props.partition);
}

/** What moto 5.2.1 runs: the same, except that the pass it would start is its output. */
export function emulatedRetryDefinition(props: RetryDefinitionProps): Asl {
  return definition(props, true);
}
