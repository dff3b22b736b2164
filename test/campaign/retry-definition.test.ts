/**
 * The retry state machine's production definition, on its JSON: what the emulator cannot run
 * (starting the next pass: moto runs one execution per process; the scheduled fan-out) and the
 * bounds that keep a run within Step Functions' quotas.
 */
import { CAMPAIGN_INDEX, RETRY_INDEX } from '../../lambdas/shared/campaign-contract';
import { type Asl } from '../../modules/campaign/definitions';
import { emulatedRetryDefinition, RETRY_LIMIT_MAX, retryDefinition } from '../../modules/campaign/retry-definition';

const props = {
  ledgerTable: 'pcm-bulk-campaigns',
  campaignStateMachineArn: 'arn:aws:states:us-west-2:1:stateMachine:pcm-bulk-campaign',
  retryStateMachineArn: 'arn:aws:states:us-west-2:1:stateMachine:pcm-bulk-campaign-retry',
  bucket: 'pcm-bulk-dataset-1',
  prefix: 'campaigns/',
};
const aws = retryDefinition({ ...props, partition: 'aws' });
const states = aws.States as Asl;
const row = states.Decide.ItemProcessor.States as Asl;

describe('retry definition (AWS)', () => {
  it('takes a bounded number of failed rows with one Query of the sparse retryable index', () => {
    expect(states.FailedRows).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:query',
      Parameters: { TableName: 'pcm-bulk-campaigns', IndexName: RETRY_INDEX, KeyConditionExpression: 'retryable = :c', 'Limit.$': '$.limit' },
    });
    // Each row is at most ~10 history events in the inline Map: 1000 rows stay far below 25,000.
    expect(RETRY_LIMIT_MAX).toBeLessThanOrEqual(1000);
    expect(states.Decide).toMatchObject({ Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } }, MaxConcurrency: 10 });
  });

  it('leaves a running or cancelled campaign alone', () => {
    expect(states['Idle?'].Choices).toEqual([
      { Variable: '$.summary.phase', StringEquals: 'running', Next: 'Busy' },
      { Variable: '$.summary.phase', StringEquals: 'cancelled', Next: 'Busy' },
    ]);
  });

  it('abandons an expected exit code or a row at its attempt limit, requeues the rest', () => {
    expect(row.Facts.Parameters['expected.$']).toBe('States.ArrayContains($.codes, $.exit.code)');
    expect(states.Decide.ItemSelector).toMatchObject({ 'maxAttempts.$': '$.summary.spec.limits.maxAttempts', 'codes.$': '$.summary.spec.job.expectedFailureExitCodes' });
    expect(row.Verdict).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.facts.expected', BooleanEquals: true, Next: 'Abandon' },
        { Variable: '$.facts.attempts', NumericGreaterThanEqualsPath: '$.maxAttempts', Next: 'Abandon' },
      ],
      Default: 'Requeue',
    });
    // A cause that is not a Batch job description (a timeout, a missing output) has no exit code.
    expect(row.ExitCode).toEqual({
      Type: 'Choice',
      Choices: [{ And: [{ Variable: '$.row.cause.S', IsPresent: true }, { Variable: '$.row.cause.S', StringMatches: '{*' }], Next: 'Parse cause' }],
      Default: 'No exit code',
    });
    expect(row['Has exit code?'].Default).toBe('No exit code');
  });

  it('moves a row and the summary counters in one transaction, once, even when runs overlap', () => {
    for (const [state, to] of [['Abandon', 'abandoned'], ['Requeue', 'waiting']]) {
      const [rowUpdate, summaryUpdate] = row[state].Parameters.TransactItems.map((t: Asl) => t.Update);
      expect(rowUpdate).toMatchObject({ UpdateExpression: 'SET #state = :to REMOVE retryable', ConditionExpression: '#state = :was', ExpressionAttributeValues: { ':to': { S: to }, ':was': { 'S.$': '$.row.state.S' } } });
      expect(summaryUpdate.ExpressionAttributeNames).toEqual({ '#was.$': '$.row.state.S' });
      expect(row[state].Catch[0]).toMatchObject({ ErrorEquals: expect.arrayContaining(['DynamoDB.TransactionCanceledException']), Next: 'Moved elsewhere' });
      // A TransactionConflict on the shared summary item answers the same error: retried first.
      expect(row[state].Retry.at(-1)).toMatchObject({ ErrorEquals: expect.arrayContaining(['DynamoDb.TransactionCanceledException']), MaxAttempts: 4, JitterStrategy: 'FULL' });
    }
  });

  it('waits a fully jittered backoff, writes the retry inventory and starts the next pass of the campaign', () => {
    expect(states.Backoff.Parameters).toEqual({ 'seconds.$': 'States.MathRandom(0, $.backoffSeconds)' });
    expect(states.Wait).toEqual({ Type: 'Wait', SecondsPath: '$.backoff.seconds', Next: 'WriteInventory' });
    expect(states.WriteInventory).toMatchObject({ Resource: 'arn:aws:states:::aws-sdk:s3:putObject', Parameters: { Bucket: 'pcm-bulk-dataset-1', 'Body.$': 'States.JsonToString($.retry.items)' } });
    expect(states.StartPass).toMatchObject({
      Resource: 'arn:aws:states:::states:startExecution',
      Parameters: { StateMachineArn: props.campaignStateMachineArn, 'Name.$': "States.Format('{}-retry-{}', $.campaign, $.pass.number)", Input: { inventory: { format: 'json' }, 'attempt.$': 'States.MathAdd($.pass.number, 1)' } },
    });
  });

  it('when scheduled (no campaign), starts one retry run per campaign of the index', () => {
    expect(states['One campaign?']).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.campaign', IsPresent: true, Next: 'Summary' }], Default: 'Campaigns' });
    expect(states.Campaigns.Parameters.ExpressionAttributeValues).toEqual({ ':index': { S: CAMPAIGN_INDEX } });
    expect(states['Each campaign'].ItemProcessor.States['Retry one campaign']).toMatchObject({ Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: props.retryStateMachineArn } });
  });

  it('differs from the emulated variant only in starting the pass', () => {
    const emulated = emulatedRetryDefinition(props);
    expect({ ...emulated.States, StartPass: undefined }).toEqual({ ...states, StartPass: undefined });
    expect(emulated.States.StartPass).toMatchObject({ Type: 'Pass', Parameters: states.StartPass.Parameters });
  });
});
