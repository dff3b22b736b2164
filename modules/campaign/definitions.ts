/**
 * The campaign state machine, as data (Amazon States Language). Its shape:
 *
 *   Format (Choice on the inventory's format)
 *     -> Items-csv | Items-jsonl | Items-manifest: a Distributed Map with an S3 ItemReader, an
 *        ItemBatcher (chunkSize items per chunk), MaxConcurrency, ToleratedFailurePercentage and a
 *        ResultWriter into the environment's dataset bucket. Each chunk (a STANDARD child workflow):
 *          Measure -> MarkRunning
 *          -> JobKind: SubmitToMozart (a HySDS job: lambda:invoke of campaign-submit, which submits
 *             the chunk's rows to Mozart and returns their job ids), or
 *             ChunkSize: SubmitArray (Batch array job, .sync) | SubmitOne (a chunk of one: Batch
 *             arrays have at least 2 children)
 *          -> MarkSucceeded                    (or, on any failure)
 *          -> MarkFailed -> ChunkFailed (Fail, so the tolerance counts it)
 *        Each Mark* is an inline Map over the chunk's rows: a conditional update of the row, then,
 *        only if that update won, the summary's counters (ROW_TRANSITIONS).
 *     -> Finished (summary phase), or Stopped -> CampaignStopped (Fail) past the tolerance.
 *
 * Every ledger write is a direct DynamoDB integration: nothing home-made sits in the data path.
 * The emulated variant is the named concession for moto 5.2.1's interpreter (see
 * emulatedCampaignDefinition); AWS gets campaignDefinition.
 */
import { CAMPAIGN_SUBMIT_ERRORS, type CampaignSubmitEvent } from '../../lambdas/campaign-submit/contract';
import { CAMPAIGN_JOB_ENV, COUNTER_VALUES, DYNAMODB_THROTTLES, LEDGER_KEYS, ROW_PREFIX, ROW_TRANSITIONS, SUMMARY_ITEM, type TransitionTo } from '../../lambdas/shared/campaign-contract';

export { ROW_TRANSITIONS };
import type { InventoryFormat } from '../../lambdas/shared/campaign-contract';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Amazon States Language is open JSON, built and read by path
export type Asl = Record<string, any>;

export interface CampaignDefinitionProps {
  /** The ledger table's name. */
  readonly ledgerTable: string;
  /** Bucket the Distributed Map writes its results to. */
  readonly resultBucket: string;
  /** Key prefix of those results; Step Functions adds the execution's own folder. */
  readonly resultPrefix: string;
}

/** What every definition AWS gets needs: the partition its service integrations are in. */
export interface InPartition {
  /** The environment's ARN partition (Naming.partition): `aws-us-gov` in GovCloud. */
  readonly partition: string;
}

/** What AWS's definition needs besides: the Mozart path's function. */
export interface ProductionCampaignDefinitionProps extends CampaignDefinitionProps, InPartition {
  /** ARN of the campaign-submit function (lambdas/campaign-submit), which HySDS chunks go to. */
  readonly submitFunctionArn: string;
}

/** Throttling and capacity errors of Batch's SubmitJob, retried with jittered backoff. */
const SUBMIT_RETRY = [
  {
    ErrorEquals: ['Batch.AWSBatchException', 'Batch.TooManyRequestsException', 'Batch.ClientException'],
    IntervalSeconds: 5,
    BackoffRate: 2,
    MaxAttempts: 6,
    MaxDelaySeconds: 300,
    // Many chunks throttled at once would otherwise all come back at the same moment.
    JitterStrategy: 'FULL',
  },
];
/** DynamoDB throttling of ledger writes. */
const LEDGER_RETRY = [
  { ErrorEquals: [...DYNAMODB_THROTTLES], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 8, JitterStrategy: 'FULL' },
];


/**
 * A StartExecution that ends the state machine, its ARN at `resultPath` (the retry pass it starts,
 * the verify run it continues as). moto 5.2.1 runs one execution per server process, so the
 * emulated variant ends with the input it would start instead, and the caller starts it in a
 * fresh emulator.
 */
export function startExecutionAndEnd(parameters: Asl, resultPath: string, emulated: boolean): Asl {
  return emulated
    ? { Type: 'Pass', Parameters: parameters, ResultPath: resultPath, End: true }
    : { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: parameters, ResultSelector: { 'executionArn.$': '$.ExecutionArn' }, ResultPath: resultPath, End: true };
}

/** A DynamoDB UpdateItem of the campaign's summary item (its counters or phase). */
function updateSummary(table: string, campaignPath: string, expression: string, values: Asl, next: Asl): Asl {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::dynamodb:updateItem',
    Parameters: {
      TableName: table,
      Key: { [LEDGER_KEYS.partition]: { 'S.$': campaignPath }, [LEDGER_KEYS.sort]: { S: SUMMARY_ITEM } },
      UpdateExpression: expression,
      ExpressionAttributeValues: values,
    },
    ResultPath: null,
    Retry: LEDGER_RETRY,
    ...next,
  };
}

/** What the optimized DynamoDB integration (and moto's) answers when a ConditionExpression fails. */
export const CONDITION_FAILED = 'DynamoDB.ConditionalCheckFailedException';

/** What a row transition writes besides its state. */
interface RowTransition {
  /** Extra SET/REMOVE clauses after `SET #state = :state, `. */
  readonly set: string;
  readonly values: Asl;
  readonly selector?: Asl;
  readonly names?: Asl;
}

/**
 * An inline Map that moves each row of the chunk to `state`: per row, the conditional update of
 * the row (ROW_TRANSITIONS), then, only if it won, the summary's counters. A failed condition is
 * "another writer already moved this row" (the Batch-event Lambda, or a redelivered chunk), not a
 * failure.
 */
function markRows(table: string, state: TransitionTo, extra: RowTransition, next: string): Asl {
  const transition = ROW_TRANSITIONS[state];
  const conditionValues = Object.fromEntries(Object.entries(transition.conditionValues).map(([k, v]) => [k, { S: v }]));
  const counterValues = Object.fromEntries(Object.entries(COUNTER_VALUES).filter(([k]) => transition.counters.includes(k)).map(([k, v]) => [k, { N: v }]));
  return {
    Type: 'Map',
    ItemsPath: '$.Items',
    ItemSelector: {
      'campaign.$': '$.BatchInput.campaign',
      'attempt.$': '$.BatchInput.attempt',
      'id.$': '$$.Map.Item.Value.id',
      'index.$': '$$.Map.Item.Index',
      ...(extra.selector ?? {}),
    },
    // DynamoDB takes 40 writes at once per child well within its per-partition limits.
    MaxConcurrency: 40,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: `Row ${state}`,
      States: {
        [`Row ${state}`]: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:updateItem',
          Parameters: {
            TableName: table,
            Key: { [LEDGER_KEYS.partition]: { 'S.$': '$.campaign' }, [LEDGER_KEYS.sort]: { 'S.$': `States.Format('${ROW_PREFIX}{}', $.id)` } },
            UpdateExpression: `SET #state = :state, ${extra.set}`,
            ConditionExpression: transition.condition,
            // `state` and `error` are DynamoDB reserved words.
            ExpressionAttributeNames: { '#state': 'state', ...(extra.names ?? {}) },
            ExpressionAttributeValues: { ':state': { S: state }, ':attempt': { 'N.$': "States.Format('{}', $.attempt)" }, ...conditionValues, ...extra.values },
          },
          ResultPath: null,
          Retry: LEDGER_RETRY,
          Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: null, Next: `Row ${state} elsewhere` }],
          Next: `Count ${state}`,
        },
        [`Count ${state}`]: updateSummary(table, '$.campaign', transition.counters, counterValues, { End: true }),
        [`Row ${state} elsewhere`]: { Type: 'Pass', Comment: 'another writer moved this row first and counted it', End: true },
      },
    },
    ResultPath: null,
    Next: next,
  };
}

function submitJob(array: boolean): Asl {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::batch:submitJob.sync',
    Parameters: {
      'JobName.$': '$.BatchInput.campaign',
      'JobDefinition.$': '$.BatchInput.job.definition',
      'JobQueue.$': '$.BatchInput.job.queue',
      ...(array ? { ArrayProperties: { 'Size.$': '$.count' } } : {}),
      ContainerOverrides: {
        Environment: [
          { Name: CAMPAIGN_JOB_ENV.items, 'Value.$': 'States.JsonToString($.ids)' },
          { Name: CAMPAIGN_JOB_ENV.campaign, 'Value.$': '$.BatchInput.campaign' },
          // The Batch-event Lambda moves a row only for the attempt that is running.
          { Name: CAMPAIGN_JOB_ENV.attempt, 'Value.$': "States.Format('{}', $.BatchInput.attempt)" },
        ],
      },
    },
    ResultSelector: { 'jobId.$': '$.JobId', 'status.$': '$.Status' },
    ResultPath: '$.job',
    Retry: SUBMIT_RETRY,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkFailed' }],
    Next: 'MarkSucceeded',
  };
}

/**
 * Errors of the Mozart path worth another try, with jittered backoff. Throttling first: the
 * function's reserved concurrency (the bound on submits in flight at Mozart) makes chunks beyond
 * it wait here. Then Lambda's own transient errors and campaign-submit's Campaign.MozartUnavailable
 * (Mozart kept answering 429/5xx; the rows it accepted are dropped by its dedup when resubmitted).
 * A row Mozart refuses (Campaign.MozartRejected) is not retried here: the chunk is marked failed.
 */
const MOZART_SUBMIT_RETRY = [
  { ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 10, MaxDelaySeconds: 300, JitterStrategy: 'FULL' },
  {
    ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', CAMPAIGN_SUBMIT_ERRORS.unavailable],
    IntervalSeconds: 10,
    BackoffRate: 2,
    MaxAttempts: 6,
    MaxDelaySeconds: 300,
    JitterStrategy: 'FULL',
  },
];

/** A HySDS job's chunk: campaign-submit submits its rows to Mozart and returns their job ids. */
function submitToMozart(functionArn: string): Asl {
  // The event's fields, each from the chunk (typed against the function's contract).
  const payload: Record<`${keyof CampaignSubmitEvent}.$`, string> = {
    'campaign.$': '$.BatchInput.campaign',
    'attempt.$': '$.BatchInput.attempt',
    'job.$': '$.BatchInput.job',
    'rows.$': '$.Items',
  };
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArn, Payload: payload },
    // `jobId` as the Batch path's: the ledger's rows read `<jobId>:<index>` (here the invocation's
    // request id, which the function logs with every row's Mozart job id); `jobIds` are those ids.
    ResultSelector: { 'jobId.$': '$.Payload.jobId', 'jobIds.$': '$.Payload.jobIds', status: 'SUBMITTED' },
    ResultPath: '$.job',
    Retry: MOZART_SUBMIT_RETRY,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkFailed' }],
    Next: 'MarkSucceeded',
  };
}

/**
 * The states of one chunk; `job` replaces the submission (the emulated variant only, which has no
 * Mozart path: moto runs Lambda functions only in Docker).
 */
function chunkStates(table: string, job?: Asl, submitFunctionArn?: string): Asl {
  const now = { 'S.$': '$$.State.EnteredTime' };
  return {
    Measure: {
      Type: 'Pass',
      Parameters: {
        'Items.$': '$.Items',
        'BatchInput.$': '$.BatchInput',
        'count.$': 'States.ArrayLength($.Items)',
        'ids.$': '$.Items[*].id',
      },
      Next: 'MarkRunning',
    },
    MarkRunning: markRows(table, 'running', {
      // The row's own inventory fields are kept (`row`), so a retry inventory holds the same item;
      // a running row leaves the retryable index.
      set: 'attempts = :attempt, startedAt = :now, #row = :row REMOVE finishedAt, jobId, #error, retryable',
      names: { '#error': 'error', '#row': 'row' },
      values: { ':now': now, ':row': { 'S.$': '$.row' } },
      selector: { 'row.$': 'States.JsonToString($$.Map.Item.Value)' },
    }, job ? 'Job' : 'JobKind'),
    ...(job
      ? job
      : {
          // Campaigns recorded before HySDS jobs existed have no `kind`: they are Batch jobs.
          JobKind: {
            Type: 'Choice',
            Choices: [{ And: [{ Variable: '$.BatchInput.job.kind', IsPresent: true }, { Variable: '$.BatchInput.job.kind', StringEquals: 'hysds' }], Next: 'SubmitToMozart' }],
            Default: 'ChunkSize',
          },
          SubmitToMozart: submitToMozart(submitFunctionArn!),
          ChunkSize: { Type: 'Choice', Choices: [{ Variable: '$.count', NumericEquals: 1, Next: 'SubmitOne' }], Default: 'SubmitArray' },
          SubmitArray: submitJob(true),
          SubmitOne: submitJob(false),
        }),
    MarkSucceeded: markRows(table, 'succeeded', {
      set: 'finishedAt = :now, jobId = :job',
      values: { ':now': now, ':job': { 'S.$': "States.Format('{}:{}', $.jobId, $.index)" } },
      selector: { 'jobId.$': '$.job.jobId' },
    }, 'Chunk succeeded'),
    'Chunk succeeded': { Type: 'Succeed' },
    MarkFailed: markRows(table, 'failed', {
      // The cause (Batch's job description for a plain job) holds the exit code that retry reads.
      // `retryable` puts the row in the index the retry state machine queries.
      set: 'finishedAt = :now, #error = :error, cause = :cause, retryable = :campaign',
      names: { '#error': 'error' },
      values: { ':now': now, ':error': { 'S.$': '$.error' }, ':cause': { 'S.$': '$.cause' }, ':campaign': { 'S.$': '$.campaign' } },
      selector: { 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
    }, 'ChunkFailed'),
    // A failed chunk fails its child workflow, which is what ToleratedFailurePercentage counts.
    ChunkFailed: { Type: 'Fail', Error: 'Campaign.ChunkFailed', Cause: 'the chunk\'s Batch job failed; its rows are marked failed in the ledger' },
  };
}

/**
 * What the Distributed Map reads: the inventory formats a person gives, and `json` (an array),
 * which the retry state machine writes its retry inventories in.
 */
export type ReadFormat = InventoryFormat | 'json';

/** The ItemReader of each inventory format. */
function itemReader(format: ReadFormat): Asl {
  const readerConfig: Asl =
    format === 'csv' ? { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' } : format === 'jsonl' ? { InputType: 'JSONL' } : format === 'json' ? { InputType: 'JSON' } : { InputType: 'MANIFEST' };
  return {
    Resource: 'arn:aws:states:::s3:getObject',
    ReaderConfig: readerConfig,
    Parameters: { 'Bucket.$': '$.inventory.bucket', 'Key.$': '$.inventory.key' },
  };
}

/** The column of an emulated chunk inventory that holds the chunk's rows, as a JSON list. */
export const EMULATED_CHUNK_FIELD = 'items';

const BATCH_INPUT = { 'campaign.$': '$.campaign', 'job.$': '$.job', 'attempt.$': '$.attempt' };

function itemsMap(props: CampaignDefinitionProps & { readonly submitFunctionArn?: string }, format: ReadFormat, emulated: boolean): Asl {
  const states = chunkStates(props.ledgerTable, emulated ? EMULATED_JOB : undefined, props.submitFunctionArn);
  // An S3 Inventory lists bucket and key: the key is the item's id.
  const manifestId = format === 'manifest' ? { ItemSelector: { 'id.$': '$$.Map.Item.Value.Key', 'Bucket.$': '$$.Map.Item.Value.Bucket', 'Key.$': '$$.Map.Item.Value.Key' } } : {};
  const batching = emulated
    ? // moto 5.2.1's parser rejects ItemBatcher: the emulated engine writes the inventory as chunks
      // instead (lib/campaign/emulated-engine.ts, chunkInventory), one row per chunk with its items
      // as JSON in EMULATED_CHUNK_FIELD, and this selector gives the child the shape ItemBatcher
      // gives it. The chunk row also rides in BatchInput (its `fail` field drives the stand-in job):
      // moto's paths into arrays ($.Items[0].fail) yield lists.
      { ItemSelector: { 'Items.$': `States.StringToJson($$.Map.Item.Value.${EMULATED_CHUNK_FIELD})`, BatchInput: { ...BATCH_INPUT, 'item.$': '$$.Map.Item.Value' } } }
    : {
        ...manifestId,
        ItemBatcher: { MaxItemsPerBatchPath: '$.limits.chunkSize', BatchInput: BATCH_INPUT },
        ToleratedFailurePercentagePath: '$.limits.toleratedFailurePercent',
      };
  return {
    Type: 'Map',
    ItemReader: itemReader(format),
    ...batching,
    MaxConcurrencyPath: '$.limits.concurrency',
    ItemProcessor: {
      // Batch .sync waits on the job: only STANDARD child workflows may.
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'Measure',
      States: states,
    },
    ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: props.resultBucket, Prefix: props.resultPrefix } },
    ResultPath: null,
    Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], ResultPath: '$.error', Next: 'Stopped' }],
    // The emulator checks the tolerance after the map (EMULATED_TOLERANCE); AWS stops the map itself.
    Next: emulated ? 'Tolerance' : 'Finished',
  };
}

/**
 * The emulator's stand-in for ToleratedFailurePercentage, which moto 5.2.1's parser rejects (and
 * its Distributed Map succeeds however many children fail): after the map, one GetItem of the
 * summary, and a Choice that goes to the same Stopped state when the campaign's failed rows exceed
 * `limits.toleratedFailedRows` of the execution input (floor(total x percentage / 100), computed
 * by the library when it starts the execution: ASL cannot multiply).
 *
 * Two differences from AWS, both named: the emulator checks once, at the end of the pass, where
 * AWS stops the map as soon as the share of failed child workflows passes the tolerance, with
 * chunks still to run; and it counts failed rows where AWS counts failed chunks (the same share
 * when chunks are full, since a chunk fails as a whole).
 */
function emulatedTolerance(table: string): Asl {
  return {
    Tolerance: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: table, Key: { [LEDGER_KEYS.partition]: { 'S.$': '$.campaign' }, [LEDGER_KEYS.sort]: { S: SUMMARY_ITEM } }, ConsistentRead: true },
      // DynamoDB numbers come as strings; the Choice compares numbers.
      ResultSelector: { 'failed.$': 'States.StringToJson($.Item.failed.N)' },
      ResultPath: '$.tolerance',
      Retry: LEDGER_RETRY,
      Next: 'Tolerated?',
    },
    'Tolerated?': {
      Type: 'Choice',
      Choices: [
        {
          // An input without the ceiling (started before it existed) is not checked, as before.
          And: [{ Variable: '$.limits.toleratedFailedRows', IsPresent: true }, { Variable: '$.tolerance.failed', NumericGreaterThanPath: '$.limits.toleratedFailedRows' }],
          Next: 'Stopped',
        },
      ],
      Default: 'Finished',
    },
  };
}

/**
 * What the emulator runs instead of the Batch submission (moto runs no Batch .sync): an item whose
 * `fail` field is "always" fails every pass, "once" fails the first pass only, "exit-3" fails with
 * exit code 3 the way Batch reports it; the rest succeed.
 * The ledger writes around it are the production ones.
 */
const EMULATED_JOB: Asl = {
  Job: {
    Type: 'Choice',
    Choices: [
      { And: [{ Variable: '$.BatchInput.item.fail', IsPresent: true }, { Variable: '$.BatchInput.item.fail', StringEquals: 'always' }], Next: 'Job fails' },
      { And: [{ Variable: '$.BatchInput.item.fail', IsPresent: true }, { Variable: '$.BatchInput.item.fail', StringEquals: 'exit-3' }], Next: 'Job fails as expected' },
      {
        And: [{ Variable: '$.BatchInput.item.fail', IsPresent: true }, { Variable: '$.BatchInput.item.fail', StringEquals: 'once' }, { Variable: '$.BatchInput.attempt', NumericEquals: 1 }],
        Next: 'Job fails',
      },
    ],
    Default: 'Job succeeds',
  },
  'Job fails': { Type: 'Pass', Result: { Error: 'Batch.JobFailed', Cause: 'failure injected by the inventory' }, ResultPath: '$.error', Next: 'MarkFailed' },
  // What Batch's .sync reports for a job that ended with an exit code (here 3).
  'Job fails as expected': { Type: 'Pass', Result: { Error: 'States.TaskFailed', Cause: '{"Status":"FAILED","Container":{"ExitCode":3}}' }, ResultPath: '$.error', Next: 'MarkFailed' },
  'Job succeeds': { Type: 'Pass', Result: { jobId: 'emulated', status: 'SUCCEEDED' }, ResultPath: '$.job', Next: 'MarkSucceeded' },
};

function definition(props: CampaignDefinitionProps & { readonly submitFunctionArn?: string }, emulated: boolean): Asl {
  // moto 5.2.1 reads CSV and JSON arrays only (no JSONL, no MANIFEST).
  const formats: ReadFormat[] = emulated ? ['csv'] : ['csv', 'jsonl', 'manifest', 'json'];
  return {
    Comment: 'A campaign: every row of an inventory through a Batch or HySDS job, in chunks, recorded in the ledger.',
    StartAt: formats.length > 1 ? 'Format' : 'Items-csv',
    States: {
      ...(formats.length > 1
        ? {
            Format: {
              Type: 'Choice',
              Choices: formats.filter((f) => f !== 'csv').map((f) => ({ Variable: '$.inventory.format', StringEquals: f, Next: `Items-${f}` })),
              Default: 'Items-csv',
            },
          }
        : {}),
      ...Object.fromEntries(formats.map((f) => [`Items-${f}`, itemsMap(props, f, emulated)])),
      ...(emulated ? emulatedTolerance(props.ledgerTable) : {}),
      Finished: updateSummary(props.ledgerTable, '$.campaign', 'SET phase = :phase, finishedAt = :now', { ':phase': { S: 'finished' }, ':now': { 'S.$': '$$.State.EnteredTime' } }, { End: true }),
      Stopped: updateSummary(props.ledgerTable, '$.campaign', 'SET phase = :phase, finishedAt = :now', { ':phase': { S: 'stopped' }, ':now': { 'S.$': '$$.State.EnteredTime' } }, { Next: 'CampaignStopped' }),
      CampaignStopped: { Type: 'Fail', Error: 'Campaign.Stopped', Cause: 'more chunks failed than the campaign tolerates; see the ledger for the failed rows' },
    },
  };
}

/** The definition AWS gets. */
export function campaignDefinition(props: ProductionCampaignDefinitionProps): Asl {
  return inPartition(definition(props, false), props.partition);
}

const STANDARD_INTEGRATION = 'arn:aws:states:::';

/**
 * The definitions name Step Functions' service integrations in the standard partition
 * (`arn:aws:states:::dynamodb:updateItem`), so that the many Task states need not carry one.
 * AWS wants the environment's (`arn:aws-us-gov:states:::...` in GovCloud, where the standard
 * name is refused), so every definition AWS gets is moved there here, in one place. The
 * emulated definitions run in moto's standard partition and stay as they are.
 */
export function inPartition(asl: Asl, partition: string): Asl {
  const move = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => move(v));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, move(v, k)]));
    if (key === 'Resource' && typeof value === 'string' && value.startsWith(STANDARD_INTEGRATION)) return `arn:${partition}:states:::${value.slice(STANDARD_INTEGRATION.length)}`;
    return value;
  };
  return move(asl) as Asl;
}

/**
 * The definition moto 5.2.1 can run, for the tests and the demo: no ItemBatcher and no
 * ToleratedFailurePercentage (its parser rejects both; they are tested on campaignDefinition's
 * JSON), an inventory already written as chunks (one row a chunk) that ItemSelector unpacks into
 * ItemBatcher's shape, a stand-in for the Batch job, and a check of the tolerance after the map
 * (emulatedTolerance: at the end of the pass, where AWS stops mid-run).
 */
export function emulatedCampaignDefinition(props: CampaignDefinitionProps): Asl {
  return definition(props, true);
}
