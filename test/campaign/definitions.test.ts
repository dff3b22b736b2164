/**
 * The production campaign definition, on its JSON: what moto 5.2.1's parser rejects (ItemBatcher,
 * ToleratedFailurePercentage) and what it cannot run (Batch .sync, and the lambda:invoke task of
 * the Mozart path: moto runs Lambda functions only in Docker, so campaign-submit is tested at the
 * handler level, test/lambdas/campaign-submit.test.ts) is tested here.
 */
import { CAMPAIGN_SUBMIT_ERRORS } from '../../lambdas/campaign-submit/contract';
import { CAMPAIGN_JOB_ENV } from '../../lambdas/shared/campaign-contract';
import { itemOfChild, toleratedFailedRows } from '../../lib/campaign/execution';
import { campaignDefinition, emulatedCampaignDefinition, ROW_TRANSITIONS, type Asl } from '../../modules/campaign/definitions';
import { retryDefinition } from '../../modules/campaign/retry-definition';
import { verifyDefinition } from '../../modules/campaign/verify-definition';

const props = { ledgerTable: 'pcm-bulk-campaigns', resultBucket: 'pcm-bulk-dataset-1', resultPrefix: 'campaigns/results' };
const submitFunctionArn = 'arn:aws:lambda:us-west-2:123456789012:function:pcm-bulk-campaign-submit';
const aws = campaignDefinition({ ...props, submitFunctionArn, partition: 'aws' });
const maps = ['Items-csv', 'Items-jsonl', 'Items-manifest'].map((name) => aws.States[name] as Asl);
const chunk = maps[0].ItemProcessor.States as Asl;

describe('campaign definition (AWS)', () => {
  it('routes each inventory format to a Distributed Map with the matching S3 ItemReader', () => {
    expect(aws.States.Format.Choices).toEqual([
      { Variable: '$.inventory.format', StringEquals: 'jsonl', Next: 'Items-jsonl' },
      { Variable: '$.inventory.format', StringEquals: 'manifest', Next: 'Items-manifest' },
      // Retry inventories (the retry state machine writes a JSON array).
      { Variable: '$.inventory.format', StringEquals: 'json', Next: 'Items-json' },
    ]);
    expect(maps.map((m) => m.ItemReader.ReaderConfig)).toEqual([{ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, { InputType: 'JSONL' }, { InputType: 'MANIFEST' }]);
    for (const map of maps) {
      expect(map.ItemReader).toMatchObject({ Resource: 'arn:aws:states:::s3:getObject', Parameters: { 'Bucket.$': '$.inventory.bucket', 'Key.$': '$.inventory.key' } });
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    }
  });

  it('batches items into chunks, bounds concurrency, tolerates a failure percentage and writes results to the bucket', () => {
    for (const map of maps) {
      expect(map.ItemBatcher).toEqual({ MaxItemsPerBatchPath: '$.limits.chunkSize', BatchInput: { 'campaign.$': '$.campaign', 'job.$': '$.job', 'attempt.$': '$.attempt' } });
      expect(map.MaxConcurrencyPath).toBe('$.limits.concurrency');
      expect(map.ToleratedFailurePercentagePath).toBe('$.limits.toleratedFailurePercent');
      expect(map.ResultWriter).toEqual({ Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'pcm-bulk-dataset-1', Prefix: 'campaigns/results' } });
    }
  });

  it('stops the campaign past its tolerated failure percentage, marking the summary stopped', () => {
    expect(maps[0].Catch).toEqual([{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], ResultPath: '$.error', Next: 'Stopped' }]);
    expect(aws.States.Stopped).toMatchObject({ Resource: 'arn:aws:states:::dynamodb:updateItem', Next: 'CampaignStopped', Parameters: { ExpressionAttributeValues: { ':phase': { S: 'stopped' } } } });
    expect(aws.States.CampaignStopped).toMatchObject({ Type: 'Fail', Error: 'Campaign.Stopped' });
    // A failed chunk fails its child workflow: that is what the tolerance counts.
    expect(chunk.MarkFailed.Next).toBe('ChunkFailed');
    expect(chunk.ChunkFailed).toMatchObject({ Type: 'Fail', Error: 'Campaign.ChunkFailed' });
  });

  it('submits a chunk as a Batch array job (.sync) sized to the chunk, a chunk of one as a plain job', () => {
    expect(chunk.ChunkSize).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.count', NumericEquals: 1, Next: 'SubmitOne' }], Default: 'SubmitArray' });
    expect(chunk.SubmitArray).toMatchObject({
      Resource: 'arn:aws:states:::batch:submitJob.sync',
      Parameters: {
        'JobDefinition.$': '$.BatchInput.job.definition',
        'JobQueue.$': '$.BatchInput.job.queue',
        ArrayProperties: { 'Size.$': '$.count' },
        ContainerOverrides: { Environment: [{ Name: CAMPAIGN_JOB_ENV.items, 'Value.$': 'States.JsonToString($.ids)' }, { Name: CAMPAIGN_JOB_ENV.campaign, 'Value.$': '$.BatchInput.campaign' }, { Name: CAMPAIGN_JOB_ENV.attempt, 'Value.$': "States.Format('{}', $.BatchInput.attempt)" }] },
      },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkFailed' }],
      Next: 'MarkSucceeded',
    });
    expect(chunk.SubmitOne.Parameters.ArrayProperties).toBeUndefined();
    // Throttled submissions come back with jittered backoff, not all at once.
    expect(chunk.SubmitArray.Retry[0]).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
  });

  it('sends a HySDS job\'s chunk to campaign-submit and a Batch job\'s (or one recorded without a kind) to Batch', () => {
    expect(chunk.MarkRunning.Next).toBe('JobKind');
    expect(chunk.JobKind).toEqual({
      Type: 'Choice',
      Choices: [{ And: [{ Variable: '$.BatchInput.job.kind', IsPresent: true }, { Variable: '$.BatchInput.job.kind', StringEquals: 'hysds' }], Next: 'SubmitToMozart' }],
      Default: 'ChunkSize',
    });
  });

  it('invokes campaign-submit with the chunk, records its job ids where the Batch path does, and fails the chunk on a refused row', () => {
    expect(chunk.SubmitToMozart).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: submitFunctionArn,
        Payload: { 'campaign.$': '$.BatchInput.campaign', 'attempt.$': '$.BatchInput.attempt', 'job.$': '$.BatchInput.job', 'rows.$': '$.Items' },
      },
      ResultSelector: { 'jobId.$': '$.Payload.jobId', 'jobIds.$': '$.Payload.jobIds', status: 'SUBMITTED' },
      // Where the Batch tasks put theirs: MarkSucceeded reads $.job.jobId.
      ResultPath: '$.job',
      Retry: expect.any(Array),
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkFailed' }],
      Next: 'MarkSucceeded',
    });
    expect(chunk.MarkSucceeded.ItemSelector['jobId.$']).toBe('$.job.jobId');
  });

  it('retries a throttled invocation (reserved concurrency), Lambda\'s transient errors and a busy Mozart with jittered backoff, never a refused row', () => {
    const retry = chunk.SubmitToMozart.Retry as Asl[];
    expect(retry[0]).toEqual({ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 10, MaxDelaySeconds: 300, JitterStrategy: 'FULL' });
    expect(retry[1]).toMatchObject({ ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', CAMPAIGN_SUBMIT_ERRORS.unavailable], JitterStrategy: 'FULL' });
    expect(retry.flatMap((r) => r.ErrorEquals)).not.toContain(CAMPAIGN_SUBMIT_ERRORS.rejected);
    expect(retry.flatMap((r) => r.ErrorEquals)).not.toContain('States.ALL');
  });

  it('gives each array child its item by AWS_BATCH_JOB_ARRAY_INDEX, the way the state machine writes the list', () => {
    const env = { [CAMPAIGN_JOB_ENV.items]: JSON.stringify(['g1', 'g2', 'g3']), AWS_BATCH_JOB_ARRAY_INDEX: '2' };
    expect(itemOfChild(env)).toBe('g3');
    expect(() => itemOfChild({ ...env, AWS_BATCH_JOB_ARRAY_INDEX: '3' })).toThrow(`${CAMPAIGN_JOB_ENV.items} has no entry 3`);
  });

  it('names the reserved words it writes (state, error) in every ledger update', () => {
    const updates = JSON.stringify(aws).match(/"UpdateExpression":"[^"]*"/g)!;
    expect(updates.length).toBeGreaterThan(5);
    const [running, failed] = [chunk.MarkRunning, chunk.MarkFailed].map((m) => Object.values(m.ItemProcessor.States)[0] as Asl);
    expect(running.Parameters.ExpressionAttributeNames).toEqual({ '#state': 'state', '#error': 'error', '#row': 'row' });
    expect(failed.Parameters.ExpressionAttributeNames).toEqual({ '#state': 'state', '#error': 'error' });
  });

  it('keeps the sparse retryable index current: a failed row enters it, a running row leaves it, and the row keeps its inventory fields', () => {
    const [running, failed] = [chunk.MarkRunning, chunk.MarkFailed].map((m) => Object.values(m.ItemProcessor.States)[0] as Asl);
    expect(failed.Parameters.UpdateExpression).toMatch(/, retryable = :campaign$/);
    expect(failed.Parameters.ExpressionAttributeValues[':campaign']).toEqual({ 'S.$': '$.campaign' });
    expect(running.Parameters.UpdateExpression).toMatch(/#row = :row REMOVE .*retryable$/);
    expect(chunk.MarkRunning.ItemSelector['row.$']).toBe('States.JsonToString($$.Map.Item.Value)');
  });
});

describe('ledger row transitions', () => {
  const row = (mark: string) => chunk[mark].ItemProcessor.States as Asl;

  it('moves a row to running only from waiting (or not yet written), for a later attempt than it last ran', () => {
    const states = row('MarkRunning');
    expect(states['Row running'].Parameters.ConditionExpression).toBe(ROW_TRANSITIONS.running.condition);
    expect(ROW_TRANSITIONS.running.condition).toBe('(attribute_not_exists(#state) OR #state = :waiting) AND (attribute_not_exists(attempts) OR attempts < :attempt)');
    expect(states['Row running'].Parameters.ExpressionAttributeValues).toMatchObject({ ':waiting': { S: 'waiting' }, ':attempt': { 'N.$': "States.Format('{}', $.attempt)" }, ':state': { S: 'running' } });
  });

  it('ends a row (succeeded or failed) only from running with the same attempt', () => {
    for (const [mark, state] of [['MarkSucceeded', 'succeeded'], ['MarkFailed', 'failed']]) {
      const task = row(mark)[`Row ${state}`];
      expect(task.Parameters.ConditionExpression).toBe('#state = :running AND attempts = :attempt');
      expect(task.Parameters.ExpressionAttributeValues).toMatchObject({ ':running': { S: 'running' }, ':state': { S: state } });
    }
  });

  it('changes the counters only after the row update won; a failed condition is another writer, not a failure', () => {
    for (const [mark, state, counters] of [
      ['MarkRunning', 'running', 'ADD running :one'],
      ['MarkSucceeded', 'succeeded', 'ADD running :minus, succeeded :one'],
      ['MarkFailed', 'failed', 'ADD running :minus, failed :one'],
    ]) {
      const states = row(mark);
      expect(Object.keys(states)).toHaveLength(3);
      expect(states[`Row ${state}`]).toMatchObject({ Resource: 'arn:aws:states:::dynamodb:updateItem', Next: `Count ${state}`, Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: null, Next: `Row ${state} elsewhere` }] });
      expect(states[`Count ${state}`]).toMatchObject({ End: true, Parameters: { Key: { item: { S: '#summary' } }, UpdateExpression: counters } });
      expect(states[`Row ${state} elsewhere`]).toMatchObject({ Type: 'Pass', End: true });
    }
    // No chunk-wide counter update is left: each row counts itself.
    expect(JSON.stringify(chunk)).not.toMatch(/\$\.count\)"\}\}/);
    expect(Object.keys(chunk).filter((k) => k.startsWith('Count'))).toEqual([]);
  });
});

describe('emulated campaign definition (moto 5.2.1)', () => {
  const emulated = emulatedCampaignDefinition(props);
  const map = emulated.States['Items-csv'] as Asl;

  it('drops only what moto rejects, and keeps the ledger writes of production', () => {
    expect(map.ItemBatcher).toBeUndefined();
    expect(map.ToleratedFailurePercentagePath).toBeUndefined();
    expect(map.ItemSelector).toEqual({ 'Items.$': 'States.StringToJson($$.Map.Item.Value.items)', BatchInput: { 'campaign.$': '$.campaign', 'job.$': '$.job', 'attempt.$': '$.attempt', 'item.$': '$$.Map.Item.Value' } });
    const states = map.ItemProcessor.States as Asl;
    for (const name of ['Measure', 'MarkRunning', 'MarkSucceeded', 'MarkFailed', 'ChunkFailed']) {
      expect(name === 'MarkRunning' ? { ...states[name], Next: undefined } : states[name]).toEqual(name === 'MarkRunning' ? { ...chunk[name], Next: undefined } : chunk[name]);
    }
    expect(states.SubmitArray).toBeUndefined();
    // No Mozart path in the emulator: moto runs Lambda functions only in Docker.
    expect(states.SubmitToMozart).toBeUndefined();
    expect(emulated.States.Finished).toEqual(aws.States.Finished);
  });

  it('checks the tolerance after the map (moto rejects ToleratedFailurePercentage): failed rows past the ceiling the input carries go to the same Stopped state', () => {
    expect(map.Next).toBe('Tolerance');
    expect(emulated.States.Tolerance).toMatchObject({
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: props.ledgerTable, Key: { campaign: { 'S.$': '$.campaign' }, item: { S: '#summary' } }, ConsistentRead: true },
      ResultSelector: { 'failed.$': 'States.StringToJson($.Item.failed.N)' },
      ResultPath: '$.tolerance',
      Next: 'Tolerated?',
    });
    expect(emulated.States['Tolerated?']).toEqual({
      Type: 'Choice',
      Choices: [{ And: [{ Variable: '$.limits.toleratedFailedRows', IsPresent: true }, { Variable: '$.tolerance.failed', NumericGreaterThanPath: '$.limits.toleratedFailedRows' }], Next: 'Stopped' }],
      Default: 'Finished',
    });
    expect(emulated.States.Stopped).toEqual(aws.States.Stopped);
    // AWS keeps its own: the map's tolerance and its Catch, no stand-in.
    expect(maps[0].Next).toBe('Finished');
    expect(aws.States.Tolerance).toBeUndefined();
  });

  it('carries the ceiling in rows, floor(total x percentage / 100), in every execution input', () => {
    expect(toleratedFailedRows(20, 20)).toBe(4);
    expect(toleratedFailedRows(20, 25)).toBe(5);
    expect(toleratedFailedRows(999, 10)).toBe(99);
    expect(toleratedFailedRows(1000, 0)).toBe(0);
    expect(toleratedFailedRows(7, 100)).toBe(7);
  });
});

describe('definitions in GovCloud', () => {
  // AWS refuses arn:aws:states:::... in aws-us-gov; every Task names the integration in the environment's partition.
  const integrations = (asl: Asl): string[] => [...JSON.stringify(asl).matchAll(/"Resource":"(arn:[^":]+:states:::[^"]+)"/g)].map((m) => m[1]);
  const gov = { partition: 'aws-us-gov' };

  it.each([
    ['campaign', () => campaignDefinition({ ...props, submitFunctionArn: submitFunctionArn.replace('arn:aws:', 'arn:aws-us-gov:'), ...gov })],
    ['retry', () => retryDefinition({ ledgerTable: 't', campaignStateMachineArn: 'c', retryStateMachineArn: 'r', bucket: 'b', prefix: 'campaigns/', ...gov })],
    ['verify', () => verifyDefinition({ ledgerTable: 't', verifyStateMachineArn: 'v', ...gov })],
  ])('the %s definition names every service integration in aws-us-gov', (_, build) => {
    const asl = build();
    const found = integrations(asl);
    expect(found.length).toBeGreaterThan(3);
    expect(found.filter((arn) => !arn.startsWith('arn:aws-us-gov:states:::'))).toEqual([]);
    expect(JSON.stringify(asl)).not.toContain('arn:aws:');
  });

  it('leaves the standard partition as written, and the emulated definitions in it', () => {
    expect(integrations(aws).every((arn) => arn.startsWith('arn:aws:states:::'))).toBe(true);
    expect(integrations(emulatedCampaignDefinition(props)).every((arn) => arn.startsWith('arn:aws:states:::'))).toBe(true);
  });
});
