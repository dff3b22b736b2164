/**
 * The verify definition on its JSON: what the emulator run (verify-runs.test.ts) cannot show,
 * namely AWS's variant continuing as a new execution with states:startExecution, and the error
 * names AWS gives a missing object, which differ from moto's.
 */
import type { Asl } from '../../modules/campaign/definitions';
import { emulatedVerifyDefinition, VERIFY_PAGE_MAX, VERIFY_PAGES_PER_RUN, verifyDefinition } from '../../modules/campaign/verify-definition';

const props = { ledgerTable: 'pcm-bulk-campaigns', verifyStateMachineArn: 'arn:aws:states:us-west-2:1:stateMachine:pcm-bulk-campaign-verify' };
const aws = verifyDefinition({ ...props, partition: 'aws' });
const row = aws.States.Check.ItemProcessor.States as Asl;

describe('verify definition (AWS)', () => {
  it('reads one bounded page of succeeded rows per Query, from where the last page ended', () => {
    for (const name of ['First page', 'Next page']) {
      expect(aws.States[name]).toMatchObject({
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:query',
        Parameters: { TableName: 'pcm-bulk-campaigns', FilterExpression: '#state = :succeeded', 'Limit.$': '$.pageSize', ExpressionAttributeValues: { ':row': { S: 'item#' } } },
      });
    }
    expect(aws.States['Next page'].Parameters['ExclusiveStartKey.$']).toBe('$.startKey');
    expect(aws.States['First page'].Parameters['ExclusiveStartKey.$']).toBeUndefined();
  });

  it('heads each expected output and moves a row whose object is not found to missing, conditionally, then counts it', () => {
    expect(row.Head).toMatchObject({ Resource: 'arn:aws:states:::aws-sdk:s3:headObject', Parameters: { 'Bucket.$': '$.row.outputBucket.S', 'Key.$': '$.row.outputKey.S' } });
    expect(row.Head.Catch).toEqual([
      { ErrorEquals: ['S3.NoSuchKeyException', 'S3.NotFoundException'], ResultPath: '$.error', Next: 'Mark missing' },
      { ErrorEquals: ['S3.S3Exception'], ResultPath: '$.error', Next: 'Status 404?' },
    ]);
    expect(row['Status 404?'].Choices[0]).toEqual({ Variable: '$.error.Cause', StringMatches: '*Status Code: 404*', Next: 'Mark missing' });
    expect(row['Mark missing'].Parameters).toMatchObject({ ConditionExpression: '#state = :succeeded', UpdateExpression: 'SET #state = :missing, retryable = :campaign' });
    expect(row['Mark missing'].Catch).toEqual([{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: null, Next: 'Moved elsewhere' }]);
    expect(row['Count missing'].Parameters.UpdateExpression).toBe('ADD #missing :one, succeeded :minus');
  });

  it('continues as a new execution of itself from the next key once it has checked its pages (history quota)', () => {
    expect(aws.States['Budget?'].Choices).toEqual([{ Variable: '$.progress.pages', NumericGreaterThanEqualsPath: '$.pagesPerRun', Next: 'ContinueAsNew' }]);
    expect(aws.States.ContinueAsNew).toMatchObject({
      Resource: 'arn:aws:states:::states:startExecution',
      Parameters: { StateMachineArn: props.verifyStateMachineArn, Input: { pages: 0, 'startKey.$': '$.page.LastEvaluatedKey', 'checked.$': '$.progress.checked' } },
      End: true,
    });
    // ~25 events a row at worst (missing, two updates): the run's pages stay under 25,000 events.
    expect(VERIFY_PAGE_MAX * VERIFY_PAGES_PER_RUN * 25).toBeLessThan(25000);
  });
});

describe('emulated verify definition (moto 5.2.1)', () => {
  const emulated = emulatedVerifyDefinition(props);
  it("differs only in ending with the continuation's input and catching moto's name of an untyped S3 error", () => {
    expect(emulated.States.ContinueAsNew).toMatchObject({ Type: 'Pass', ResultPath: '$.continued', End: true });
    expect(emulated.States.Check.ItemProcessor.States.Head.Catch[1].ErrorEquals).toEqual(['S3.S3Exception', 's3.s3Exception']);
    const strip = (d: Asl) => ({ ...d.States, ContinueAsNew: undefined, Check: undefined });
    expect(strip(emulated)).toEqual(strip(aws));
  });
});
