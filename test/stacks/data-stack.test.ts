/** `<env>-data` of every example environment, read from the synthesized Terraform JSON. */
import { loadEnvironments } from '../../config-generator/loader';
import { Naming } from '../../modules/naming';
import { resourcesOf, synthesize, type StackJson } from '../support/synth';

const environments = loadEnvironments();
const { stacks } = synthesize(environments);
const configOf = (name: string) => environments.find((e) => e.config.environment.name === name)!.config;
const data = (name: string) => stacks[`${name}-data`];
const NAMES = environments.map((e) => e.config.environment.name);
const PURPOSES = ['dataset', 'archive', 'messages', 'triage', 'code'] as const;

/** The resource of `type` whose construct path ends with `path` (e.g. "bucket-dataset/policy"). */
function byPath(stack: StackJson, type: string, path: string): StackJson {
  const found = Object.values(resourcesOf(stack, type)).filter((r: StackJson) => r['//']?.metadata?.path?.endsWith(`/${path}`));
  expect(found).toHaveLength(1);
  return found[0];
}
const bucketPolicy = (env: string, purpose: string) => JSON.parse(byPath(data(env), 'aws_s3_bucket_policy', `bucket-${purpose}/policy`).policy);
const keyPolicy = (env: string) => JSON.parse(Object.values(resourcesOf(data(env), 'aws_kms_key'))[0].policy);

describe.each(NAMES)('%s-data buckets', (name) => {
  const config = configOf(name);
  const naming = Naming.of(config);
  const protect = config.protection.deletionProtection;
  const stack = data(name);

  it('has the five buckets, named by the naming module', () => {
    const buckets = Object.values(resourcesOf(stack, 'aws_s3_bucket')).map((b: StackJson) => b.bucket);
    expect(buckets.sort()).toEqual(PURPOSES.map((p) => naming.bucket(p)).sort());
  });

  it('encrypts every bucket with the environment key and a bucket key', () => {
    const configs = Object.values(resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration'));
    expect(configs).toHaveLength(5);
    for (const c of configs) {
      expect(c.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/aws_kms_key\..*\.arn/) }, bucket_key_enabled: true }]);
    }
  });

  it('blocks all public access and enforces bucket-owner ownership on every bucket', () => {
    const blocks = Object.values(resourcesOf(stack, 'aws_s3_bucket_public_access_block'));
    expect(blocks).toHaveLength(5);
    for (const b of blocks) expect(b).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const ownership = Object.values(resourcesOf(stack, 'aws_s3_bucket_ownership_controls'));
    expect(ownership.map((o: StackJson) => o.rule.object_ownership)).toEqual(Array(5).fill('BucketOwnerEnforced'));
  });

  it('denies non-TLS access first in every bucket policy', () => {
    for (const purpose of PURPOSES) {
      expect(bucketPolicy(name, purpose).Statement[0]).toEqual({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [naming.bucketArn(purpose), `${naming.bucketArn(purpose)}/*`],
        Condition: { Bool: { 'aws:SecureTransport': false } },
      });
    }
  });

  it(`${protect ? 'versions and protects' : 'neither versions nor protects'} its data, and force-destroys ${protect ? 'nothing' : 'everything'}`, () => {
    for (const b of Object.values(resourcesOf(stack, 'aws_s3_bucket'))) {
      expect(b).toMatchObject({ force_destroy: !protect, lifecycle: { prevent_destroy: protect } });
    }
    expect(Object.keys(resourcesOf(stack, 'aws_s3_bucket_versioning'))).toHaveLength(protect ? 5 : 0);
  });

  it('expires triage data, and everything on the expiry date of a temporary environment', () => {
    const rules = (purpose: string) => byPath(stack, 'aws_s3_bucket_lifecycle_configuration', `bucket-${purpose}/lifecycle`).rule;
    expect(rules('triage')).toContainEqual(expect.objectContaining({ id: 'expire-objects', expiration: [{ days: 30 }] }));
    const expiresOn = config.protection.lifetime?.expiresOn;
    for (const purpose of PURPOSES) {
      const withEnvironment = rules(purpose).filter((r: StackJson) => r.id === 'expire-with-environment');
      expect(withEnvironment).toEqual(expiresOn ? [expect.objectContaining({ expiration: [{ date: `${expiresOn}T00:00:00Z` }] })] : []);
      expect(rules(purpose)).toContainEqual(expect.objectContaining({ abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }));
    }
  });

  it('creates the fixed prefixes as empty objects', () => {
    const keys = Object.values(resourcesOf(stack, 'aws_s3_object')).map((o: StackJson) => o.key).sort();
    expect(keys).toEqual(['cnm-r/', 'cnm-s/', 'outgoing/', config.stagingArea.prefix].sort());
  });
});

describe('cross-account sharing of the OPS buckets', () => {
  const ops = Naming.of(configOf('ops'));
  const dataset = ops.bucketArn('dataset');
  const archive = ops.bucketArn('archive');
  const grant = (sidName: string, account: string, actions: string | string[], resource: string | string[]) => ({
    Sid: sidName,
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: actions,
    Resource: resource,
  });
  const RW = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];

  it('the dataset policy grants forward and bulk read-write, adt read, on exactly their prefixes', () => {
    const statements = bucketPolicy('ops', 'dataset').Statement.slice(1);
    // In file order of the consumers (adt, bulk, forward).
    expect(statements).toEqual([
      { ...grant('ListAdtRead', '666666666666', 's3:ListBucket', dataset), Condition: { StringLike: { 's3:prefix': ['products/*'] } } },
      grant('ObjectsAdtRead', '666666666666', ['s3:GetObject'], [`${dataset}/products/*`]),
      { ...grant('ListBulkReadWrite', '555555555555', 's3:ListBucket', dataset), Condition: { StringLike: { 's3:prefix': ['products/*'] } } },
      grant('ObjectsBulkReadWrite', '555555555555', RW, [`${dataset}/products/*`]),
      { ...grant('ListForwardReadWrite', '444444444444', 's3:ListBucket', dataset), Condition: { StringLike: { 's3:prefix': ['products/*', 'staging_area/*'] } } },
      grant('ObjectsForwardReadWrite', '444444444444', RW, [`${dataset}/products/*`, `${dataset}/staging_area/*`]),
    ]);
  });

  it('the archive policy grants forward and bulk read-write on outgoing/, and the DAAC and CNES read it', () => {
    const statements = bucketPolicy('ops', 'archive').Statement.slice(1);
    expect(statements).toEqual([
      { ...grant('ListBulkReadWrite', '555555555555', 's3:ListBucket', archive), Condition: { StringLike: { 's3:prefix': ['outgoing/*'] } } },
      grant('ObjectsBulkReadWrite', '555555555555', RW, [`${archive}/outgoing/*`]),
      { ...grant('ListForwardReadWrite', '444444444444', 's3:ListBucket', archive), Condition: { StringLike: { 's3:prefix': ['outgoing/*'] } } },
      grant('ObjectsForwardReadWrite', '444444444444', RW, [`${archive}/outgoing/*`]),
      grant('DaacReadsArchives', '777777777777', 's3:GetObject', `${archive}/outgoing/*`),
      grant('CnesReadsArchives', '888888888888', 's3:GetObject', `${archive}/outgoing/*`),
    ]);
  });

  it('the key lets each consumer account use it through S3 only, with its widest access', () => {
    const shared = keyPolicy('ops').Statement.filter((s: StackJson) => /^Shared/.test(s.Sid));
    const viaS3 = { StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' } };
    expect(shared).toEqual([
      { ...grant('SharedAdtThroughS3', '666666666666', ['kms:Decrypt'], '*'), Condition: viaS3 },
      { ...grant('SharedBulkThroughS3', '555555555555', ['kms:Decrypt', 'kms:GenerateDataKey'], '*'), Condition: viaS3 },
      { ...grant('SharedForwardThroughS3', '444444444444', ['kms:Decrypt', 'kms:GenerateDataKey'], '*'), Condition: viaS3 },
    ]);
  });

  it('triage, code and messages grant no environment anything', () => {
    for (const purpose of ['triage', 'code'] as const) expect(bucketPolicy('ops', purpose).Statement).toHaveLength(1);
    const accounts = JSON.stringify(bucketPolicy('ops', 'messages')).match(/arn:aws:iam::\d{12}/g);
    expect(new Set(accounts)).toEqual(new Set(['arn:aws:iam::888888888888']));
  });

  it.each(['dev', 'int', 'forward', 'bulk', 'adt'])('%s-data grants no other environment anything', (name) => {
    const others = new Set(['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666']);
    others.delete(configOf(name).aws.accountId);
    const text = JSON.stringify([...PURPOSES.map((p) => bucketPolicy(name, p)), keyPolicy(name)]);
    for (const account of others) expect(text).not.toContain(account);
  });

  it('no bucket or key policy anywhere names a wildcard principal in an Allow', () => {
    for (const name of NAMES) {
      const policies = [...PURPOSES.map((p) => bucketPolicy(name, p)), keyPolicy(name)];
      for (const p of policies) for (const s of p.Statement) if (s.Effect === 'Allow') expect(JSON.stringify(s.Principal)).not.toMatch(/"\*"/);
    }
  });
});

describe('CNES in the messages bucket', () => {
  it('reads and deletes cnm-s/, writes cnm-r/ but never the consumer records, and nothing else', () => {
    const messages = Naming.of(configOf('ops')).bucketArn('messages');
    const cnes = { AWS: 'arn:aws:iam::888888888888:root' };
    expect(bucketPolicy('ops', 'messages').Statement.slice(1)).toEqual([
      { Sid: 'CnesListsCnmS', Effect: 'Allow', Principal: cnes, Action: 's3:ListBucket', Resource: messages, Condition: { StringLike: { 's3:prefix': ['cnm-s/*'] } } },
      { Sid: 'CnesReadsAndDeletesCnmS', Effect: 'Allow', Principal: cnes, Action: ['s3:GetObject', 's3:DeleteObject'], Resource: `${messages}/cnm-s/*` },
      { Sid: 'CnesWritesCnmR', Effect: 'Allow', Principal: cnes, Action: 's3:PutObject', Resource: `${messages}/cnm-r/*` },
      { Sid: 'CnesNeverWritesRecords', Effect: 'Deny', Principal: cnes, Action: 's3:PutObject', Resource: `${messages}/cnm-r/received/*` },
    ]);
  });
});

describe('message channels', () => {
  const topics = (name: string) => Object.values(resourcesOf(data(name), 'aws_sns_topic')).map((t: StackJson) => t.name).sort();
  const queues = (name: string) => Object.values(resourcesOf(data(name), 'aws_sqs_queue')) as StackJson[];
  const topicPolicy = (name: string, channel: string) => JSON.parse(byPath(data(name), 'aws_sns_topic_policy', `topic-${channel}/policy`).policy);

  it.each(NAMES)('%s: every topic and queue is encrypted with the environment key', (name) => {
    for (const t of Object.values(resourcesOf(data(name), 'aws_sns_topic'))) expect(t.kms_master_key_id).toMatch(/aws_kms_key\..*\.arn/);
    for (const q of queues(name)) expect(q.kms_master_key_id).toMatch(/aws_kms_key\..*\.arn/);
  });

  it('ops has the staging, archive-events, cnm-r and alerts topics; adt (no DAAC, no CNES) only staging and alerts', () => {
    expect(topics('ops')).toEqual(['pcm-ops-alerts', 'pcm-ops-archive-events', 'pcm-ops-cnm-r', 'pcm-ops-staging']);
    expect(topics('adt')).toEqual(['pcm-adt-alerts', 'pcm-adt-staging']);
  });

  it('every consumed queue has a DLQ after 5 receives, 14-day retention, and an alarm on its DLQ', () => {
    const all = queues('ops');
    const byName = Object.fromEntries(all.map((q) => [q.name, q]));
    for (const channel of ['staging', 'cnm-s-outbox', 'cnm-r']) {
      const queue = byName[`pcm-ops-${channel}`];
      expect(queue).toMatchObject({ message_retention_seconds: 1209600, visibility_timeout_seconds: 360 });
      expect(JSON.parse(queue.redrive_policy)).toEqual({ deadLetterTargetArn: expect.stringContaining('aws_sqs_queue.'), maxReceiveCount: 5 });
      expect(byName[`pcm-ops-${channel}-dlq`]).toMatchObject({ message_retention_seconds: 1209600 });
    }
    const alarms = Object.values(resourcesOf(data('ops'), 'aws_cloudwatch_metric_alarm')).map((a: StackJson) => a.dimensions.QueueName).sort();
    expect(alarms).toEqual(['pcm-ops-cnm-r-dlq', 'pcm-ops-cnm-s-outbox-dlq', 'pcm-ops-failed-invocations', 'pcm-ops-staging-dlq']);
  });

  it('the CNM-R topic lets exactly the DAAC principals and S3 (for the messages bucket) publish', () => {
    const statements = topicPolicy('ops', 'cnm-r').Statement;
    expect(statements.find((s: StackJson) => s.Sid === 'ExternalPublishers')).toEqual({
      Sid: 'ExternalPublishers',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::777777777777:role/podaac-cnm-response'] },
      Action: 'sns:Publish',
      Resource: expect.stringContaining('aws_sns_topic.'),
    });
    expect(statements.find((s: StackJson) => s.Sid === 'S3Publishes')).toMatchObject({
      Principal: { Service: 's3.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '333333333333' }, ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::pcm-ops-messages-333333333333' } },
    });
    expect(statements).toHaveLength(3);
  });

  it('queues take messages only from their topics, with raw delivery', () => {
    const subscriptions = Object.values(resourcesOf(data('ops'), 'aws_sns_topic_subscription'));
    expect(subscriptions).toHaveLength(3);
    for (const s of subscriptions) expect(s).toMatchObject({ protocol: 'sqs', raw_message_delivery: true });
    for (const p of Object.values(resourcesOf(data('ops'), 'aws_sqs_queue_policy'))) {
      const [statement] = JSON.parse(p.policy).Statement;
      expect(statement).toMatchObject({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': [expect.stringContaining('aws_sns_topic.')] } } });
    }
  });

  it.each(NAMES)('%s: one notification resource per bucket, merging its notifications', (name) => {
    const config = configOf(name);
    const notifications = Object.values(resourcesOf(data(name), 'aws_s3_bucket_notification')) as StackJson[];
    const expected = 1 + (config.cnm.daac ? 1 : 0) + (config.cnm.cnes ? 1 : 0);
    expect(notifications).toHaveLength(expected);
    const staging = notifications.find((n) => n.topic[0].filter_suffix === config.stagingArea.suffix);
    expect(staging.topic).toEqual([expect.objectContaining({ events: ['s3:ObjectCreated:*'], filter_prefix: config.stagingArea.prefix })]);
    const prefixes = notifications.flatMap((n) => n.topic.map((t: StackJson) => t.filter_prefix)).sort();
    expect(prefixes).toEqual([config.stagingArea.prefix, ...(config.cnm.daac ? ['outgoing/'] : []), ...(config.cnm.cnes ? ['cnm-r/'] : [])].sort());
  });

  it.each(NAMES)('%s: a stand-in CNM-S stream exactly when configured, encrypted and readable by the DAAC', (name) => {
    const config = configOf(name);
    const streams = Object.values(resourcesOf(data(name), 'aws_kinesis_stream'));
    const standIn = config.cnm.daac?.cnmS.stream === 'stand-in';
    expect(streams).toHaveLength(standIn ? 1 : 0);
    if (!standIn) return;
    expect(streams[0]).toMatchObject({ name: `pcm-${name}-cnm-s`, encryption_type: 'KMS' });
    const [policy] = Object.values(resourcesOf(data(name), 'aws_kinesis_resource_policy'));
    expect(JSON.parse(policy.policy).Statement).toEqual([
      expect.objectContaining({ Principal: { AWS: `arn:aws:iam::${config.cnm.daac!.accountId}:root` }, Action: expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator']) }),
    ]);
    expect(keyPolicy(name).Statement).toContainEqual(expect.objectContaining({ Sid: 'DaacReadsStandInStream', Condition: { StringEquals: { 'kms:ViaService': 'kinesis.us-west-2.amazonaws.com' } } }));
  });

  it.each(NAMES)('%s: the idempotency table expires records and is encrypted with the key', (name) => {
    const [table] = Object.values(resourcesOf(data(name), 'aws_dynamodb_table'));
    const protect = configOf(name).protection.deletionProtection;
    expect(table).toMatchObject({
      name: `pcm-${name}-idempotency`,
      hash_key: 'id',
      ttl: { attribute_name: 'expiresAt', enabled: true },
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: protect },
      deletion_protection_enabled: protect,
    });
  });
});
