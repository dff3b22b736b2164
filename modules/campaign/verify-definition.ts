/**
 * The verify state machine, as data (Amazon States Language): checks that every succeeded row's
 * expected output exists, in the engine, not from the operator's machine. Input:
 * `{campaign, pageSize, pagesPerRun, pages?, startKey?, checked?}`. Its shape:
 *
 *   Where? (Choice: a continued run has startKey)
 *   -> First page | Next page: one Query of the campaign's partition (rows only, FilterExpression
 *      state = succeeded, Limit = pageSize rows evaluated)
 *   -> Check (inline Map over the page, each row):
 *        Has output? (rows store their expected output, outputBucket and outputKey, at start)
 *        -> Head (aws-sdk s3:headObject) -> present
 *           | on NoSuchKey/NotFound (or S3Exception with status 404) -> Mark missing: the row
 *             succeeded -> missing (conditional on it still being succeeded, entering the
 *             retryable index), then, only if that won, the summary's counters (succeeded -1,
 *             missing +1), as every ledger transition does (lambdas/shared/campaign-contract.ts)
 *   -> Progress (summary: verifyChecked, verifyPhase running)
 *   -> More? no: Verified (summary verifyPhase finished)
 *            yes: Budget? below pagesPerRun: Next page; at it: ContinueAsNew (a new execution of
 *            this machine from the next key), so no execution nears the 25,000-event history quota.
 *
 * Bounds: a page is at most VERIFY_PAGE_MAX rows; a row costs at most ~25 history events (missing,
 * with its two updates), so VERIFY_PAGES_PER_RUN pages stay under 25,000 with a margin.
 */
import { COUNTER_VALUES, DYNAMODB_THROTTLES, LEDGER_KEYS, ROW_PREFIX, SUMMARY_ITEM } from '../../lambdas/shared/campaign-contract';
import { inPartition, startExecutionAndEnd, type Asl, type InPartition } from './definitions';

/** Rows a page evaluates at most. */
export const VERIFY_PAGE_MAX = 100;
/** Pages one execution checks before it continues as a new execution (history quota). */
export const VERIFY_PAGES_PER_RUN = 8;

export interface VerifyDefinitionProps {
  readonly ledgerTable: string;
  /** This state machine's own ARN, to continue as a new execution. */
  readonly verifyStateMachineArn: string;
}

/** What headObject of a missing key answers: AWS's names; see emulatedVerifyDefinition for moto's. */
const NOT_FOUND = ['S3.NoSuchKeyException', 'S3.NotFoundException'];
/** An S3 error without a modelled type (HEAD has no body): the status in its cause tells. */
const UNTYPED = ['S3.S3Exception'];

const THROTTLES = [
  { ErrorEquals: [...DYNAMODB_THROTTLES], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 8, JitterStrategy: 'FULL' },
];

const summaryKey = { [LEDGER_KEYS.partition]: { 'S.$': '$.campaign' }, [LEDGER_KEYS.sort]: { S: SUMMARY_ITEM } };

function query(table: string, withStart: boolean): Asl {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:dynamodb:query',
    Parameters: {
      TableName: table,
      KeyConditionExpression: '#p = :c AND begins_with(#s, :row)',
      FilterExpression: '#state = :succeeded',
      ExpressionAttributeNames: { '#p': LEDGER_KEYS.partition, '#s': LEDGER_KEYS.sort, '#state': 'state' },
      ExpressionAttributeValues: { ':c': { 'S.$': '$.campaign' }, ':row': { S: ROW_PREFIX }, ':succeeded': { S: 'succeeded' } },
      'Limit.$': '$.pageSize',
      ...(withStart ? { 'ExclusiveStartKey.$': '$.startKey' } : {}),
    },
    ResultPath: '$.page',
    Retry: THROTTLES,
    Next: 'Check',
  };
}

function check(table: string, untyped: readonly string[]): Asl {
  const rowKey = { [LEDGER_KEYS.partition]: { 'S.$': '$.campaign' }, [LEDGER_KEYS.sort]: { 'S.$': `$.row.${LEDGER_KEYS.sort}.S` } };
  return {
    Type: 'Map',
    ItemsPath: '$.page.Items',
    ItemSelector: { 'row.$': '$$.Map.Item.Value', 'campaign.$': '$.campaign' },
    // Ten HEADs at once per page: S3 takes thousands a second per prefix.
    MaxConcurrency: 10,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: 'Has output?',
      States: {
        'Has output?': {
          Type: 'Choice',
          Choices: [{ And: [{ Variable: '$.row.outputBucket.S', IsPresent: true }, { Variable: '$.row.outputKey.S', IsPresent: true }], Next: 'Head' }],
          Default: 'No expected output',
        },
        'No expected output': { Type: 'Pass', Result: { kind: 'unchecked' }, End: true },
        Head: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:headObject',
          Parameters: { 'Bucket.$': '$.row.outputBucket.S', 'Key.$': '$.row.outputKey.S' },
          ResultSelector: { kind: 'present' },
          Retry: [{ ErrorEquals: ['S3.SlowDownException', 'S3.InternalErrorException'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 6, JitterStrategy: 'FULL' }],
          Catch: [
            { ErrorEquals: NOT_FOUND, ResultPath: '$.error', Next: 'Mark missing' },
            { ErrorEquals: [...untyped], ResultPath: '$.error', Next: 'Status 404?' },
          ],
          End: true,
        },
        'Status 404?': { Type: 'Choice', Choices: [{ Variable: '$.error.Cause', StringMatches: '*Status Code: 404*', Next: 'Mark missing' }], Default: 'Head failed' },
        'Head failed': { Type: 'Fail', Error: 'Campaign.VerifyFailed', Cause: 'headObject of an expected output failed with something other than not found (see the execution history)' },
        'Mark missing': {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:updateItem',
          Parameters: {
            TableName: table,
            Key: rowKey,
            // `retryable`: the retry state machine's index; a missing row can be retried.
            UpdateExpression: 'SET #state = :missing, retryable = :campaign',
            ConditionExpression: '#state = :succeeded',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':missing': { S: 'missing' }, ':succeeded': { S: 'succeeded' }, ':campaign': { 'S.$': '$.campaign' } },
          },
          ResultPath: null,
          Retry: THROTTLES,
          Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: null, Next: 'Moved elsewhere' }],
          Next: 'Count missing',
        },
        'Count missing': {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:updateItem',
          Parameters: {
            TableName: table,
            Key: summaryKey,
            // `missing` is a DynamoDB reserved word.
            UpdateExpression: 'ADD #missing :one, succeeded :minus',
            ExpressionAttributeNames: { '#missing': 'missing' },
            ExpressionAttributeValues: { ':one': { N: COUNTER_VALUES[':one'] }, ':minus': { N: COUNTER_VALUES[':minus'] } },
          },
          ResultSelector: { kind: 'missing' },
          Retry: THROTTLES,
          End: true,
        },
        'Moved elsewhere': { Type: 'Pass', Result: { kind: 'moved' }, Comment: 'the row left succeeded meanwhile (a retry, another verify)', End: true },
      },
    },
    ResultPath: null,
    Next: 'Progress',
  };
}

function continueAsNew(props: VerifyDefinitionProps, emulated: boolean): Asl {
  const parameters = {
    StateMachineArn: props.verifyStateMachineArn,
    'Name.$': "States.Format('{}-verify-{}', $.campaign, States.UUID())",
    Input: { 'campaign.$': '$.campaign', 'pageSize.$': '$.pageSize', 'pagesPerRun.$': '$.pagesPerRun', pages: 0, 'startKey.$': '$.page.LastEvaluatedKey', 'checked.$': '$.progress.checked' },
  };
  return startExecutionAndEnd(parameters, '$.continued', emulated);
}

function definition(props: VerifyDefinitionProps, emulated: boolean): Asl {
  const table = props.ledgerTable;
  return {
    Comment: "Checks that every succeeded row's expected output exists; a row whose output does not becomes missing (and retryable).",
    StartAt: 'Where?',
    States: {
      'Where?': { Type: 'Choice', Choices: [{ Variable: '$.startKey', IsPresent: true, Next: 'Next page' }], Default: 'Defaults' },
      Defaults: { Type: 'Pass', Parameters: { 'campaign.$': '$.campaign', 'pageSize.$': '$.pageSize', 'pagesPerRun.$': '$.pagesPerRun', pages: 0, checked: 0 }, Next: 'First page' },
      'First page': query(table, false),
      'Next page': query(table, true),
      // moto names untyped S3 errors by the lower-case service (s3.s3Exception); AWS, S3.S3Exception.
      Check: check(table, emulated ? [...UNTYPED, 's3.s3Exception'] : UNTYPED),
      Progress: {
        Type: 'Pass',
        Parameters: { 'checked.$': 'States.MathAdd($.checked, $.page.Count)', 'pages.$': 'States.MathAdd($.pages, 1)' },
        ResultPath: '$.progress',
        Next: 'Record progress',
      },
      'Record progress': {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:updateItem',
        Parameters: {
          TableName: table,
          Key: summaryKey,
          UpdateExpression: 'SET verifyPhase = :running, verifyChecked = :checked',
          ExpressionAttributeValues: { ':running': { S: 'running' }, ':checked': { 'N.$': "States.Format('{}', $.progress.checked)" } },
        },
        ResultPath: null,
        Retry: THROTTLES,
        Next: 'More?',
      },
      'More?': { Type: 'Choice', Choices: [{ Variable: '$.page.LastEvaluatedKey', IsPresent: true, Next: 'Budget?' }], Default: 'Verified' },
      'Budget?': { Type: 'Choice', Choices: [{ Variable: '$.progress.pages', NumericGreaterThanEqualsPath: '$.pagesPerRun', Next: 'ContinueAsNew' }], Default: 'Turn the page' },
      'Turn the page': {
        Type: 'Pass',
        Parameters: { 'campaign.$': '$.campaign', 'pageSize.$': '$.pageSize', 'pagesPerRun.$': '$.pagesPerRun', 'pages.$': '$.progress.pages', 'checked.$': '$.progress.checked', 'startKey.$': '$.page.LastEvaluatedKey' },
        Next: 'Next page',
      },
      ContinueAsNew: continueAsNew(props, emulated),
      Verified: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:updateItem',
        Parameters: {
          TableName: table,
          Key: summaryKey,
          UpdateExpression: 'SET verifyPhase = :finished, verifiedAt = :now',
          ExpressionAttributeValues: { ':finished': { S: 'finished' }, ':now': { 'S.$': '$$.State.EnteredTime' } },
        },
        ResultPath: null,
        Retry: THROTTLES,
        Next: 'Done',
      },
      Done: { Type: 'Pass', Parameters: { 'checked.$': '$.progress.checked' }, End: true },
    },
  };
}

/** The definition AWS gets. */
export function verifyDefinition(props: VerifyDefinitionProps & InPartition): Asl {
  return inPartition(definition(props, false), props.partition);
}

/** What moto 5.2.1 runs: the same, except that continuing is the execution's output, and moto's name of an untyped S3 error is caught too. */
export function emulatedVerifyDefinition(props: VerifyDefinitionProps): Asl {
  return definition(props, true);
}
