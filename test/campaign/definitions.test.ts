/**
 * The production campaign definition, on its JSON: what moto 5.2.1's parser rejects (ItemBatcher,
 * ToleratedFailurePercentage) and what it cannot run (Batch .sync) is tested here.
 */
import { CAMPAIGN_JOB_ENV, itemOfChild } from '../../lib/campaign/execution';
import { campaignDefinition, emulatedCampaignDefinition, ROW_TRANSITIONS, type Asl } from '../../modules/campaign/definitions';

const props = { ledgerTable: 'pcm-bulk-campaigns', resultBucket: 'pcm-bulk-dataset-1', resultPrefix: 'campaigns/results' };
const aws = campaignDefinition(props);
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
    expect(emulated.States.Finished).toEqual(aws.States.Finished);
  });
});
