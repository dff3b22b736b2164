/**
 * `ops-data`, `forward-data` and `dev-data` deployed with `cdktf deploy` to moto_server, each into
 * its own emulated account through its deploy role; the AWS SDK then reads back what exists.
 * moto cannot evaluate policy conditions, so the emulated buckets go without the TLS-only deny
 * (stacks/aws-target.ts); everything else is as in AWS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetResourcePolicyCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetBucketNotificationConfigurationCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { loadEnvironments } from '../../config-generator/loader';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { emulatorClientConfig } from '../../lib/emulator/server';
import type { AwsCredentialIdentity } from '../../lib/state-bucket';
import { consoleLogger } from '../../lambdas/shared/log';
import { submitJob } from '../../lambdas/shared/mozart';
import { createHandler, readConfig } from '../../lambdas/staging-submit/handler';
import { Naming } from '../../modules/naming';
import { startMozart, type FakeMozart } from '../lambdas/support/mozart-server';
import { deployToEmulator, type EmulatedDeploy } from '../support/deploy';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { hasTerraformWithMirror } from '../support/terraform';

const environments = loadEnvironments();
const configOf = (name: string) => environments.find((e) => e.config.environment.name === name)!.config;
const withEmulator = HAS_MOTO && hasTerraformWithMirror() ? describe : describe.skip;

withEmulator('data stacks deployed to the AWS emulator', () => {
  let moto: Moto;
  const deployed: Record<string, EmulatedDeploy> = {};
  const client = <T>(Client: new (config: object) => T, name: string, credentials?: AwsCredentialIdentity): T =>
    new Client(emulatorClientConfig(moto.endpoint, configOf(name).aws.region, credentials ?? deployed[name].credentials));

  beforeAll(async () => {
    moto = await startMoto({ tls: true });
    // Three accounts at once: the deploys mostly wait on the provider's consistency checks.
    const results = await Promise.all(['ops', 'forward', 'dev'].map((name) => deployToEmulator(moto.endpoint, configOf(name), [`${name}-data`])));
    ['ops', 'forward', 'dev'].forEach((name, i) => (deployed[name] = results[i]));
    console.info(`deploy times against the emulator (three at once): ${results.map((r, i) => `${['ops', 'forward', 'dev'][i]}-data ${r.seconds.toFixed(1)} s`).join(', ')}`);
  }, 600000);
  afterAll(() => moto?.stop());

  const policyOf = async (name: string, purpose: 'dataset' | 'archive' | 'messages') => {
    const out = await client(S3Client, name).send(new GetBucketPolicyCommand({ Bucket: Naming.of(configOf(name)).bucket(purpose) }));
    return JSON.parse(out.Policy!) as { Statement: { Sid: string; Principal: { AWS: string } }[] };
  };

  it('reports its outputs: bucket names, queue URLs, the CNM-R topic', () => {
    const outputs = deployed.ops.outputs['ops-data'];
    expect(outputs.buckets).toEqual({
      dataset: 'pcm-ops-dataset-333333333333',
      archive: 'pcm-ops-archive-333333333333',
      messages: 'pcm-ops-messages-333333333333',
      triage: 'pcm-ops-triage-333333333333',
      code: 'pcm-ops-code-333333333333',
    });
    expect(outputs.cnm_r_topic_arn).toBe('arn:aws:sns:us-west-2:333333333333:pcm-ops-cnm-r');
    expect(Object.keys(outputs.queues as object).sort()).toEqual(['cnm-r', 'cnm-s-outbox', 'staging']);
  });

  it('the OPS dataset bucket policy grants exactly adt, bulk and forward, each from its own account', async () => {
    const { Statement } = await policyOf('ops', 'dataset');
    expect(Statement.map((s) => [s.Sid, s.Principal.AWS])).toEqual([
      ['ListAdtRead', 'arn:aws:iam::666666666666:root'],
      ['ObjectsAdtRead', 'arn:aws:iam::666666666666:root'],
      ['ListBulkReadWrite', 'arn:aws:iam::555555555555:root'],
      ['ObjectsBulkReadWrite', 'arn:aws:iam::555555555555:root'],
      ['ListForwardReadWrite', 'arn:aws:iam::444444444444:root'],
      ['ObjectsForwardReadWrite', 'arn:aws:iam::444444444444:root'],
    ]);
  });

  it('the OPS messages bucket policy gives CNES its side of the exchange', async () => {
    const { Statement } = await policyOf('ops', 'messages');
    expect(Statement.map((s) => s.Sid)).toEqual(['CnesListsCnmS', 'CnesReadsAndDeletesCnmS', 'CnesWritesCnmR', 'CnesNeverWritesRecords']);
  });

  it('the OPS key policy grants the consumer accounts, the DAAC and CNES', async () => {
    const kms = client(KMSClient, 'ops');
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/pcm-ops' }));
    const out = await kms.send(new GetKeyPolicyCommand({ KeyId: KeyMetadata!.KeyId, PolicyName: 'default' }));
    const sids = (JSON.parse(out.Policy!) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['SharedAdtThroughS3', 'SharedBulkThroughS3', 'SharedForwardThroughS3', 'DaacPublishesCnmR', 'CnesExchangesMessages']));
  });

  it('OPS data is versioned; a consumer (forward) shares nothing of its own', async () => {
    const versioning = await client(S3Client, 'ops').send(new GetBucketVersioningCommand({ Bucket: 'pcm-ops-dataset-333333333333' }));
    expect(versioning.Status).toBe('Enabled');
    await expect(policyOf('forward', 'dataset')).rejects.toThrow(/policy/i);
  });

  it('the CNM-R topic lets the DAAC publish, and delivers raw to the CNM-R queue', async () => {
    const topicArn = 'arn:aws:sns:us-west-2:333333333333:pcm-ops-cnm-r';
    const sns = client(SNSClient, 'ops');
    const attributes = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    const policy = JSON.parse(attributes.Attributes!.Policy!) as { Statement: { Sid: string; Principal: { AWS?: string }; Condition?: unknown }[] };
    // The DAAC's account, with its role as an aws:PrincipalArn condition (a re-created role keeps working).
    expect(policy.Statement.find((s) => s.Sid === 'ExternalPublishers')).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::777777777777:root' },
      Condition: { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::777777777777:role/podaac-cnm-response'] } },
    });
    expect(policy.Statement[0]).toMatchObject({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } });
    expect(attributes.Attributes!.KmsMasterKeyId).toMatch(/^arn:aws:kms:us-west-2:333333333333:key\//);
    const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(Subscriptions!.map((s) => [s.Protocol, s.Endpoint])).toEqual([['sqs', 'arn:aws:sqs:us-west-2:333333333333:pcm-ops-cnm-r']]);
    const sub = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: Subscriptions![0].SubscriptionArn }));
    expect(sub.Attributes!.RawMessageDelivery).toBe('true');
  });

  it('the CNM-R queue keeps messages 14 days and moves them to its DLQ after 5 receives', async () => {
    const sqs = client(SQSClient, 'ops');
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'pcm-ops-cnm-r' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(Attributes!.MessageRetentionPeriod).toBe('1209600');
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: 'arn:aws:sqs:us-west-2:333333333333:pcm-ops-cnm-r-dlq', maxReceiveCount: 5 });
  });

  it('dev has its stand-in CNM-S stream, encrypted, readable by the DAAC account', async () => {
    const kinesis = client(KinesisClient, 'dev');
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'pcm-dev-cnm-s' }));
    expect(StreamDescriptionSummary!.EncryptionType).toBe('KMS');
    const { Policy } = await kinesis.send(new GetResourcePolicyCommand({ ResourceARN: StreamDescriptionSummary!.StreamARN }));
    expect(JSON.parse(Policy!).Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::777777777777:root' });
  });

  it('the dataset bucket notifies the staging topic for signal files only', async () => {
    const out = await client(S3Client, 'ops').send(new GetBucketNotificationConfigurationCommand({ Bucket: 'pcm-ops-dataset-333333333333' }));
    expect(out.TopicConfigurations).toHaveLength(1);
    expect(out.TopicConfigurations![0].TopicArn).toBe('arn:aws:sns:us-west-2:333333333333:pcm-ops-staging');
    expect(out.TopicConfigurations![0].Filter!.Key!.FilterRules!.map((r) => [r.Name!.toLowerCase(), r.Value])).toEqual(
      expect.arrayContaining([['prefix', 'staging_area/'], ['suffix', '.met.json']]),
    );
  });

  describe('a signal file dropped in the deployed staging area', () => {
    let mozart: FakeMozart;
    beforeAll(async () => (mozart = await startMozart()));
    afterAll(() => mozart?.stop());

    it('reaches the staging queue through S3 -> SNS -> SQS, and the submit handler turns it into one job', async () => {
      const config: EnvironmentConfig = configOf('ops');
      const s3 = client(S3Client, 'ops');
      await s3.send(new PutObjectCommand({ Bucket: 'pcm-ops-dataset-333333333333', Key: 'staging_area/granule-1.h5.met.json', Body: JSON.stringify({ id: 'granule-1' }) }));
      // Not a signal file: the notification's suffix filter keeps it out of the queue.
      await s3.send(new PutObjectCommand({ Bucket: 'pcm-ops-dataset-333333333333', Key: 'staging_area/granule-1.h5', Body: 'data' }));

      const sqs = client(SQSClient, 'ops');
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'pcm-ops-staging' }));
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
      expect(Messages).toHaveLength(1);

      const env = {
        MOZART_URL: mozart.url,
        DATASET_BUCKET: 'pcm-ops-dataset-333333333333',
        STAGING_PREFIX: config.stagingArea.prefix,
        STAGING_SUFFIX: config.stagingArea.suffix,
        JOB_TYPE: config.stagingArea.jobType,
        JOB_RELEASE: config.release.pcmRelease,
        JOB_QUEUE: config.stagingArea.queue,
        IDEMPOTENCY_TABLE: 'pcm-ops-idempotency',
      };
      const handler = createHandler(() => ({
        config: readConfig(env),
        idempotencyTable: env.IDEMPOTENCY_TABLE,
        s3,
        dynamodb: client(DynamoDBClient, 'ops'),
        submit: submitJob,
        logger: consoleLogger,
        now: Date.now,
      }));
      const event = { Records: Messages.map((m) => ({ messageId: m.MessageId!, body: m.Body! })) } as unknown as SQSEvent;
      expect(await handler(event)).toEqual({ batchItemFailures: [] });
      // The same message again (SQS delivers at least once): still one job.
      expect(await handler(event)).toEqual({ batchItemFailures: [] });
      expect(mozart.accepted()).toEqual([
        expect.objectContaining({
          type: 'job-ingest_staged:4.0.0',
          queue: 'factotum-job_worker-small',
          params: expect.objectContaining({ id: 'granule-1', data_url: 's3://pcm-ops-dataset-333333333333/staging_area/granule-1.h5', data_file: 'granule-1.h5' }),
        }),
      ]);
    }, 60000);
  });
});
