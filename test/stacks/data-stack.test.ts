/** `<env>-data` of every environment of the fixture fleet (test/support/fixtures.ts), read from the synthesized Terraform JSON. */
import { Naming } from '../../modules/naming';
import { FIXTURE, fixtureEnvironments } from '../support/fixtures';
import { resourcesOf, synthesize, type StackJson } from '../support/synth';

const environments = fixtureEnvironments();
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

  it('has the five buckets and the access log bucket, named by the naming module', () => {
    const buckets = Object.values(resourcesOf(stack, 'aws_s3_bucket')).map((b: StackJson) => b.bucket);
    expect(buckets.sort()).toEqual([...PURPOSES.map((p) => naming.bucket(p)), naming.accessLogBucket()].sort());
  });

  it('logs every data bucket to the access log bucket under its purpose, which S3 alone may write to', () => {
    const logging = Object.values(resourcesOf(stack, 'aws_s3_bucket_logging'));
    expect(logging.map((l) => l.target_prefix).sort()).toEqual(PURPOSES.map((p) => `${p}/`).sort());
    for (const l of logging) expect(l.target_bucket).toMatch(/aws_s3_bucket\.access-logs_bucket_.*\.id/);
    const policy = JSON.parse(byPath(stack, 'aws_s3_bucket_policy', 'access-logs/policy').policy);
    expect(policy.Statement[1]).toEqual({
      Sid: 'S3DeliversAccessLogs',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${naming.accessLogBucket()}/*`,
      Condition: { StringEquals: { 'aws:SourceAccount': config.aws.accountId }, ArnLike: { 'aws:SourceArn': PURPOSES.map((p) => naming.bucketArn(p)) } },
    });
  });

  it('encrypts every bucket with the environment key and a bucket key', () => {
    // The access log bucket alone uses S3-managed keys: log delivery cannot write with a KMS key.
    const configs = Object.values(resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration')).filter((c: StackJson) => !c.bucket.includes('access-logs'));
    expect(configs).toHaveLength(5);
    for (const c of configs) {
      expect(c.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/aws_kms_key\..*\.arn/) }, bucket_key_enabled: true }]);
    }
  });

  it('blocks all public access and enforces bucket-owner ownership on every bucket', () => {
    const blocks = Object.values(resourcesOf(stack, 'aws_s3_bucket_public_access_block'));
    expect(blocks).toHaveLength(6);
    for (const b of blocks) expect(b).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const ownership = Object.values(resourcesOf(stack, 'aws_s3_bucket_ownership_controls'));
    expect(ownership.map((o: StackJson) => o.rule.object_ownership)).toEqual(Array(6).fill('BucketOwnerEnforced'));
  });

  it('denies a PutObject naming another KMS key in every bucket policy, second', () => {
    for (const purpose of PURPOSES) {
      expect(bucketPolicy(name, purpose).Statement[1]).toEqual({
        Sid: 'DenyOtherKmsKeys',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `${naming.bucketArn(purpose)}/*`,
        Condition: {
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
          StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': expect.stringMatching(/aws_kms_key\..*\.arn/) },
        },
      });
    }
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
    expect(Object.keys(resourcesOf(stack, 'aws_s3_bucket_versioning'))).toHaveLength(protect ? 6 : 0);
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
  // read-write never deletes (read-write-delete would); the fleet (like the examples) needs no deletes.
  const RW = ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'];

  it('the dataset policy grants forward and bulk read-write, adt read, on exactly their prefixes', () => {
    const statements = bucketPolicy('ops', 'dataset').Statement.slice(2);
    // In file order of the consumers (adt, bulk, forward).
    expect(statements).toEqual([
      { ...grant('ListAdtRead', FIXTURE.accounts.adt, 's3:ListBucket', dataset), Condition: { StringLike: { 's3:prefix': ['products/*'] } } },
      grant('ObjectsAdtRead', FIXTURE.accounts.adt, ['s3:GetObject'], [`${dataset}/products/*`]),
      { ...grant('ListBulkReadWrite', FIXTURE.accounts.bulk, 's3:ListBucket', dataset), Condition: { StringLike: { 's3:prefix': ['products/*'] } } },
      grant('ObjectsBulkReadWrite', FIXTURE.accounts.bulk, RW, [`${dataset}/products/*`]),
      { ...grant('ListForwardReadWrite', FIXTURE.accounts.forward, 's3:ListBucket', dataset), Condition: { StringLike: { 's3:prefix': ['products/*', 'staging_area/*'] } } },
      grant('ObjectsForwardReadWrite', FIXTURE.accounts.forward, RW, [`${dataset}/products/*`, `${dataset}/staging_area/*`]),
    ]);
  });

  it('the archive policy grants forward and bulk read-write on outgoing/, and the DAAC and CNES read it', () => {
    const statements = bucketPolicy('ops', 'archive').Statement.slice(2);
    expect(statements).toEqual([
      { ...grant('ListBulkReadWrite', FIXTURE.accounts.bulk, 's3:ListBucket', archive), Condition: { StringLike: { 's3:prefix': ['outgoing/*'] } } },
      grant('ObjectsBulkReadWrite', FIXTURE.accounts.bulk, RW, [`${archive}/outgoing/*`]),
      { ...grant('ListForwardReadWrite', FIXTURE.accounts.forward, 's3:ListBucket', archive), Condition: { StringLike: { 's3:prefix': ['outgoing/*'] } } },
      grant('ObjectsForwardReadWrite', FIXTURE.accounts.forward, RW, [`${archive}/outgoing/*`]),
      grant('DaacReadsArchives', FIXTURE.accounts.daac, 's3:GetObject', `${archive}/outgoing/*`),
      grant('CnesReadsArchives', FIXTURE.accounts.cnes, 's3:GetObject', `${archive}/outgoing/*`),
    ]);
  });

  it('the key lets each consumer account use it through S3 only, for its buckets only (encryption context), with its widest access', () => {
    const shared = keyPolicy('ops').Statement.filter((s: StackJson) => /^Shared/.test(s.Sid));
    const viaS3 = (...buckets: string[]) => ({
      StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': buckets.flatMap((b) => [b, `${b}/*`]) },
    });
    expect(shared).toEqual([
      { ...grant('SharedAdtThroughS3', FIXTURE.accounts.adt, ['kms:Decrypt'], '*'), Condition: viaS3(dataset) },
      { ...grant('SharedBulkThroughS3', FIXTURE.accounts.bulk, ['kms:Decrypt', 'kms:GenerateDataKey'], '*'), Condition: viaS3(dataset, archive) },
      { ...grant('SharedForwardThroughS3', FIXTURE.accounts.forward, ['kms:Decrypt', 'kms:GenerateDataKey'], '*'), Condition: viaS3(dataset, archive) },
    ]);
  });

  it('the key lets the DAAC and CNES use it through S3 for their buckets only, and the DAAC publishers by account and aws:PrincipalArn', () => {
    const byId = (id: string) => keyPolicy('ops').Statement.find((s: StackJson) => s.Sid === id);
    const context = (...buckets: string[]) => ({ 'kms:EncryptionContext:aws:s3:arn': buckets.flatMap((b) => [b, `${b}/*`]) });
    expect(byId('DaacReadsArchives')).toEqual({
      ...grant('DaacReadsArchives', FIXTURE.accounts.daac, 'kms:Decrypt', '*'),
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' }, StringLike: context(archive) },
    });
    expect(byId('CnesExchangesMessages')).toEqual({
      ...grant('CnesExchangesMessages', FIXTURE.accounts.cnes, ['kms:Decrypt', 'kms:GenerateDataKey'], '*'),
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' }, StringLike: context(ops.bucketArn('messages'), archive) },
    });
    expect(byId('DaacPublishesCnmR')).toEqual({
      ...grant('DaacPublishesCnmR', FIXTURE.accounts.daac, ['kms:GenerateDataKey*', 'kms:Decrypt'], '*'),
      Condition: { ArnLike: { 'aws:PrincipalArn': [FIXTURE.daacPublisher] }, StringEquals: { 'kms:ViaService': 'sns.us-west-2.amazonaws.com' } },
    });
  });

  it.each(NAMES)('%s: the key lets the Auto Scaling and Batch service-linked roles launch encrypted volumes, by aws:PrincipalArn in this account', (name) => {
    const account = configOf(name).aws.accountId;
    const roles = {
      'aws:PrincipalArn': [
        `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
        `arn:aws:iam::${account}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch`,
      ],
    };
    const launching = keyPolicy(name).Statement.filter((s: StackJson) => /^LaunchingServices/.test(s.Sid));
    expect(launching).toEqual([
      {
        Sid: 'LaunchingServicesEncryptVolumes',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': account }, ArnEquals: roles },
      },
      {
        Sid: 'LaunchingServicesGrantToEc2',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': account }, ArnEquals: roles, Bool: { 'kms:GrantIsForAWSResource': true } },
      },
    ]);
  });

  it('triage, code and messages grant no environment anything', () => {
    for (const purpose of ['triage', 'code'] as const) expect(bucketPolicy('ops', purpose).Statement).toHaveLength(2);
    const accounts = JSON.stringify(bucketPolicy('ops', 'messages')).match(/arn:aws:iam::\d{12}/g);
    expect(new Set(accounts)).toEqual(new Set([`arn:aws:iam::${FIXTURE.accounts.cnes}`]));
  });

  it.each(['dev', 'int', 'forward', 'bulk', 'adt'])('%s-data grants no other environment anything', (name) => {
    const others = new Set<string>([FIXTURE.accounts.dev, FIXTURE.accounts.int, FIXTURE.accounts.ops, FIXTURE.accounts.forward, FIXTURE.accounts.bulk, FIXTURE.accounts.adt]);
    others.delete(configOf(name).aws.accountId);
    const text = JSON.stringify([...PURPOSES.map((p) => bucketPolicy(name, p)), keyPolicy(name)]);
    for (const account of others) expect(text).not.toContain(account);
  });

  it('no bucket or key policy anywhere names a wildcard principal in an Allow, but for the launching roles of its own account', () => {
    for (const name of NAMES) {
      const policies = [...PURPOSES.map((p) => bucketPolicy(name, p)), keyPolicy(name)];
      for (const p of policies) {
        for (const s of p.Statement) {
          if (s.Effect !== 'Allow' || !JSON.stringify(s.Principal).includes('"*"')) continue;
          expect(s.Condition.StringEquals['kms:CallerAccount']).toBe(configOf(name).aws.accountId);
          for (const arn of s.Condition.ArnEquals['aws:PrincipalArn']) expect(arn).toMatch(new RegExp(`^arn:aws:iam::${configOf(name).aws.accountId}:role/aws-service-role/`));
        }
      }
    }
  });
});

describe('CNES in the messages bucket', () => {
  it('reads and deletes cnm-s/, writes cnm-r/ but never the consumer records, and nothing else', () => {
    const messages = Naming.of(configOf('ops')).bucketArn('messages');
    const cnes = { AWS: `arn:aws:iam::${FIXTURE.accounts.cnes}:root` };
    expect(bucketPolicy('ops', 'messages').Statement.slice(2)).toEqual([
      { Sid: 'CnesListsCnmS', Effect: 'Allow', Principal: cnes, Action: 's3:ListBucket', Resource: messages, Condition: { StringLike: { 's3:prefix': ['cnm-s/*'] } } },
      { Sid: 'CnesReadsAndDeletesCnmS', Effect: 'Allow', Principal: cnes, Action: ['s3:GetObject', 's3:DeleteObject'], Resource: `${messages}/cnm-s/*` },
      { Sid: 'CnesWritesCnmR', Effect: 'Allow', Principal: cnes, Action: 's3:PutObject', Resource: `${messages}/cnm-r/*` },
      { Sid: 'CnesNeverWritesRecords', Effect: 'Deny', Principal: cnes, Action: 's3:PutObject', Resource: `${messages}/cnm-r/received/*` },
    ]);
  });
});

describe('message channels', () => {
  const topics = (name: string) => Object.values(resourcesOf(data(name), 'aws_sns_topic')).map((t: StackJson) => t.name).sort();
  const queues = (name: string) => Object.values(resourcesOf(data(name), 'aws_sqs_queue'));
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
      // The account, and the role as a condition: a role named as Principal breaks when re-created.
      Principal: { AWS: `arn:aws:iam::${FIXTURE.accounts.daac}:root` },
      Condition: { ArnLike: { 'aws:PrincipalArn': [FIXTURE.daacPublisher] } },
      Action: 'sns:Publish',
      Resource: expect.stringContaining('aws_sns_topic.'),
    });
    expect(statements[0]).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: expect.stringContaining('aws_sns_topic.'),
      Condition: { Bool: { 'aws:SecureTransport': false } },
    });
    expect(statements.find((s: StackJson) => s.Sid === 'S3Publishes')).toMatchObject({
      Principal: { Service: 's3.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': FIXTURE.accounts.ops }, ArnLike: { 'aws:SourceArn': `arn:aws:s3:::pcm-ops-messages-${FIXTURE.accounts.ops}` } },
    });
    expect(statements).toHaveLength(4);
  });

  it.each(NAMES)('%s: the alerts topic mails exactly the addresses in alerts.emails', (name) => {
    const emails = Object.values(resourcesOf(data(name), 'aws_sns_topic_subscription')).filter((s: StackJson) => s.protocol === 'email');
    expect(emails.map((s) => s.endpoint)).toEqual(configOf(name).alerts?.emails ?? []);
    for (const s of emails) expect(s.topic_arn).toMatch(/aws_sns_topic\.topic-alerts_topic_.*\.arn/);
  });

  it('queues take messages only from their topics, with raw delivery', () => {
    const subscriptions = Object.values(resourcesOf(data('ops'), 'aws_sns_topic_subscription')).filter((s: StackJson) => s.protocol !== 'email');
    expect(subscriptions).toHaveLength(3);
    for (const s of subscriptions) expect(s).toMatchObject({ protocol: 'sqs', raw_message_delivery: true });
    // Each queue's policy is its own attribute (one settle wait per queue, not two); none is separate.
    expect(resourcesOf(data('ops'), 'aws_sqs_queue_policy')).toEqual({});
    const policies = Object.values(resourcesOf(data('ops'), 'aws_sqs_queue'));
    // Every queue (dead-letter queues too) refuses plain HTTP; the three fed ones take their topics.
    expect(policies).toHaveLength(7);
    for (const p of policies) {
      expect(JSON.parse(p.policy).Statement[0]).toEqual({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        // The queue's own ARN, as AWS will give it (the resource cannot name itself).
        Resource: `arn:aws:sqs:us-west-2:${FIXTURE.accounts.ops}:${p.name}`,
        Condition: { Bool: { 'aws:SecureTransport': false } },
      });
    }
    for (const p of policies.filter((q) => JSON.parse(q.policy).Statement.length > 1)) {
      const [, statement] = JSON.parse(p.policy).Statement;
      expect(statement).toMatchObject({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': [expect.stringContaining('aws_sns_topic.')] } } });
    }
  });

  it.each(NAMES)('%s: one notification resource per bucket, merging its notifications', (name) => {
    const config = configOf(name);
    const notifications = Object.values(resourcesOf(data(name), 'aws_s3_bucket_notification'));
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
