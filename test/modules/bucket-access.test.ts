/**
 * The one way the kit writes S3 permissions: the access-level table, BucketReference's grants
 * (identity side and, with a grantee, bucket-policy side), SecureBucket's grants into its own
 * bucket policy, and the by-name key and table references. Values here are made up for the test;
 * none comes from the shipped examples.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { ownBucketStatements } from '../../modules/compute/cluster-permissions';
import { EnvironmentKey, EnvironmentKeyReference, KEY_ACTIONS, keyThroughS3 } from '../../modules/iam/environment-key';
import { IdempotencyTableReference } from '../../modules/messaging/idempotency-table';
import { Naming } from '../../modules/naming';
import { BucketReference, OBJECT_ACTIONS, type Access } from '../../modules/storage/bucket-access';
import { SecureBucket, type SecureBucketProps } from '../../modules/storage/secure-bucket';
import type { StackJson } from '../support/synth';

const ARN = 'arn:aws:s3:::test-bucket';
const bucket = new BucketReference(ARN);
const partner = { accountId: '123456789012', partition: 'aws' };

describe('access levels', () => {
  it('each level includes the one before, and only read-write-delete deletes', () => {
    const levels: Access[] = ['read', 'read-write', 'read-write-delete'];
    levels.slice(1).forEach((level, i) => expect(OBJECT_ACTIONS[level]).toEqual(expect.arrayContaining([...OBJECT_ACTIONS[levels[i]]])));
    expect(OBJECT_ACTIONS.read).toEqual(['s3:GetObject']);
    expect(OBJECT_ACTIONS['read-write']).toEqual(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload']);
    expect(OBJECT_ACTIONS['read-write-delete']).toContain('s3:DeleteObject');
    expect(levels.filter((l) => OBJECT_ACTIONS[l].includes('s3:DeleteObject'))).toEqual(['read-write-delete']);
  });

  it('the key is only decrypted at read, and data keys come with writing', () => {
    expect(KEY_ACTIONS.read).toEqual(['kms:Decrypt']);
    expect(KEY_ACTIONS['read-write']).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(KEY_ACTIONS['read-write-delete']).toEqual(KEY_ACTIONS['read-write']);
  });
});

describe('BucketReference grants', () => {
  it("grants a level's actions on every prefix, to the caller's roles (no principal)", () => {
    expect(bucket.grantAccess('Rw', 'read-write', ['products/', 'staging_area/'])).toEqual({
      Sid: 'Rw',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      Resource: [`${ARN}/products/*`, `${ARN}/staging_area/*`],
    });
  });

  it('keeps the form asked for: one right and one prefix give one action and one resource', () => {
    expect(bucket.grantRead('R', 'cnm-r/')).toEqual({ Sid: 'R', Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/cnm-r/*` });
    expect(bucket.grantPut('P', 'cnm-s/')).toEqual({ Sid: 'P', Effect: 'Allow', Action: 's3:PutObject', Resource: `${ARN}/cnm-s/*` });
    expect(bucket.grantRead('All', '').Resource).toBe(`${ARN}/*`);
  });

  it('grants exactly the rights named where no level fits', () => {
    expect(bucket.grantObjects('RD', ['read', 'delete'], 'cnm-s/').Action).toEqual(['s3:GetObject', 's3:DeleteObject']);
  });

  it('lists under the prefixes only when prefixes are given', () => {
    expect(bucket.grantList('L', ['a/', 'b/'])).toEqual({ Sid: 'L', Effect: 'Allow', Action: 's3:ListBucket', Resource: ARN, Condition: { StringLike: { 's3:prefix': ['a/*', 'b/*'] } } });
    expect(bucket.grantList('L')).toEqual({ Sid: 'L', Effect: 'Allow', Action: 's3:ListBucket', Resource: ARN });
  });

  it("names a grantee account's root as principal, in the grantee's partition", () => {
    expect(bucket.grantRead('R', 'x/', partner).Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
    expect(bucket.grantList('L', ['x/'], { accountId: '123456789012', partition: 'aws-us-gov' }).Principal).toEqual({ AWS: 'arn:aws-us-gov:iam::123456789012:root' });
  });

  it('finds a bucket of an environment by its name', () => {
    const naming = { bucketArn: (purpose: string) => `arn:aws:s3:::pcm-x-${purpose}` } as unknown as Naming;
    expect(BucketReference.of(naming, 'archive').grantRead('R', 'outgoing/').Resource).toBe('arn:aws:s3:::pcm-x-archive/outgoing/*');
  });

  it('fails on an empty prefix list, which would grant nothing (or read as everything)', () => {
    expect(() => bucket.grantAccess('Rw', 'read-write', [])).toThrow(/test-bucket: the prefix list is empty/);
    expect(() => bucket.grantList('L', [])).toThrow(/the prefix list is empty/);
  });

  it('fails on a prefix that is a pattern or starts with a slash', () => {
    expect(() => bucket.grantRead('R', 'products/*')).toThrow(/prefix "products\/\*" must be a plain key prefix/);
    expect(() => bucket.grantAccess('Rw', 'read-write', ['ok/', 'l?/'])).toThrow(/prefix "l\?\/" must be a plain key prefix .*wildcards/);
    expect(() => bucket.grantRead('R', ['/products/'])).toThrow(/prefix "\/products\/" must be a plain key prefix/);
  });

  it('fails on a grant to everyone or to something that is not an account id', () => {
    expect(() => bucket.grantRead('R', 'x/', { accountId: '*', partition: 'aws' })).toThrow(/grantee.accountId must be a 12-digit AWS account id, found "\*"/);
    expect(() => bucket.grantList('L', ['x/'], { accountId: 'arn:aws:iam::123456789012:root', partition: 'aws' })).toThrow(/12-digit/);
  });

  it('fails on an empty list of rights', () => {
    expect(() => bucket.grantObjects('N', [], 'x/')).toThrow(/N: no right to grant/);
  });
});

describe('the key through S3', () => {
  it('binds the key to S3 in the region and to these buckets and their objects', () => {
    expect(keyThroughS3('eu-west-3', [ARN])).toEqual({
      StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [ARN, `${ARN}/*`] },
    });
  });

  it('fails without a bucket (the key would serve every bucket of the account)', () => {
    expect(() => keyThroughS3('eu-west-3', [])).toThrow(/no bucket named/);
  });
});

describe('by-name references of the key and the idempotency table', () => {
  it('lets a role decrypt and make data keys with the environment key, nothing more', () => {
    expect(new EnvironmentKeyReference('arn:aws:kms:eu-west-3:123456789012:key/k').grantEncryptDecrypt('K')).toEqual({
      Sid: 'K',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: 'arn:aws:kms:eu-west-3:123456789012:key/k',
    });
  });

  it('lets a handler read and write single items of the table, no scans or queries', () => {
    const statement = new IdempotencyTableReference('arn:aws:dynamodb:eu-west-3:123456789012:table/t').grantItems('T');
    expect(statement.Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    expect(statement.Resource).toBe('arn:aws:dynamodb:eu-west-3:123456789012:table/t');
  });
});

describe("instance roles' own buckets", () => {
  const naming = { bucketArn: (purpose: string) => `arn:aws:s3:::own-${purpose}` } as unknown as Naming;
  const statements = ownBucketStatements(naming, { dataset: 'read-write-delete', code: 'read' }, 'arn:aws:kms:eu-west-3:123456789012:key/k');
  const bySid = (sid: string) => statements.find((s) => s.Sid === sid);

  it('writes and deletes where the role writes, and only reads where it reads', () => {
    expect(bySid('ReadWriteOwnObjects')).toEqual({ Sid: 'ReadWriteOwnObjects', Effect: 'Allow', Action: [...OBJECT_ACTIONS['read-write-delete']], Resource: ['arn:aws:s3:::own-dataset/*'] });
    expect(bySid('ReadOwnObjects')).toEqual({ Sid: 'ReadOwnObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::own-code/*'] });
    expect(bySid('ListOwnBuckets')?.Resource).toEqual(['arn:aws:s3:::own-dataset', 'arn:aws:s3:::own-code']);
    expect(statements).toHaveLength(4);
  });

  it('leaves out a level no bucket has', () => {
    const ci = ownBucketStatements(naming, { code: 'read-write-delete' }, 'k');
    expect(ci.map((s) => s.Sid)).toEqual(['ListOwnBuckets', 'ReadWriteOwnObjects', 'UseEnvironmentKey']);
  });
});

describe('SecureBucket grants', () => {
  const base: SecureBucketProps = { bucketName: 'test-bucket', partition: 'aws', kmsKeyArn: 'arn:aws:kms:eu-west-3:123456789012:key/k', protectData: false };

  function synth(props: SecureBucketProps, grant: (b: SecureBucket) => void): StackJson {
    const outdir = mkdtempSync(join(tmpdir(), 'pcm-bucket-access-'));
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'bucket');
    new AwsProvider(stack, 'aws', { region: 'eu-west-3' });
    grant(new SecureBucket(stack, 'b', props));
    app.synth();
    return JSON.parse(readFileSync(join(outdir, 'stacks', 'bucket', 'cdk.tf.json'), 'utf8'));
  }
  const policies = (json: StackJson): StackJson[] => Object.values(json.resource?.aws_s3_bucket_policy ?? {});

  it('adds its grants to its bucket policy after the TLS deny and the key deny', () => {
    const json = synth(base, (b) => {
      b.grantAccess('ObjectsPartner', partner, 'read', ['products/']);
      b.grantList('ListPartner', partner, ['products/']);
    });
    expect(policies(json)).toHaveLength(1);
    const policy = JSON.parse(policies(json)[0].policy);
    expect(policy.Statement.map((s: StackJson) => s.Sid)).toEqual(['DenyInsecureTransport', 'DenyOtherKmsKeys', 'ObjectsPartner', 'ListPartner']);
    expect(policy.Statement[0]).toEqual({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [ARN, `${ARN}/*`], Condition: { Bool: { 'aws:SecureTransport': false } } });
    expect(policy.Statement[2]).toEqual({ Sid: 'ObjectsPartner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: ['s3:GetObject'], Resource: [`${ARN}/products/*`] });
  });

  it('has no policy while it has no statement (emulator buckets), and one from the first grant on', () => {
    const emulated = { ...base, denyInsecureTransport: false, denyOtherKeys: false };
    expect(policies(synth(emulated, () => undefined))).toHaveLength(0);
    const granted = policies(synth(emulated, (b) => b.grantRead('R', partner, 'x/')));
    expect(granted).toHaveLength(1);
    expect(JSON.parse(granted[0].policy).Statement.map((s: StackJson) => s.Sid)).toEqual(['R']);
    expect(granted[0].depends_on).toEqual([expect.stringContaining('aws_s3_bucket_public_access_block.')]);
  });

  it('fails on a grant to everyone', () => {
    expect(() => synth(base, (b) => b.grantRead('R', { accountId: '*', partition: 'aws' }, 'x/'))).toThrow(/12-digit AWS account id, found "\*"/);
  });
});

describe('EnvironmentKey grants', () => {
  const naming = new Naming({ project: 'pcm', environment: 'keytest', accountId: '210987654321', region: 'eu-west-3' });

  function keyPolicy(grant: (key: EnvironmentKey) => void): StackJson {
    const outdir = mkdtempSync(join(tmpdir(), 'pcm-key-access-'));
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'key');
    new AwsProvider(stack, 'aws', { region: 'eu-west-3' });
    grant(new EnvironmentKey(stack, 'k', { naming }));
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', 'key', 'cdk.tf.json'), 'utf8'));
    return JSON.parse((Object.values(json.resource.aws_kms_key)[0] as StackJson).policy);
  }

  it("adds another account's use through S3 to the key policy, for the named buckets and as far as its access needs", () => {
    const policy = keyPolicy((key) => {
      key.grantThroughS3('ReaderThroughS3', partner, 'read', [ARN]);
      key.grantThroughS3('WriterThroughS3', { accountId: '123456789013', partition: 'aws' }, 'read-write', [ARN]);
    });
    expect(policy.Statement.map((s: StackJson) => s.Sid)).toEqual(['AccountAdministersKeyThroughIam', 'ReaderThroughS3', 'WriterThroughS3']);
    expect(policy.Statement[1]).toEqual({
      Sid: 'ReaderThroughS3',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: ['kms:Decrypt'],
      Resource: '*',
      Condition: keyThroughS3('eu-west-3', [ARN]),
    });
    expect(policy.Statement[2].Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  it('fails on a key grant to everyone or without a bucket', () => {
    expect(() => keyPolicy((key) => key.grantThroughS3('All', { accountId: '*', partition: 'aws' }, 'read', [ARN]))).toThrow(/12-digit AWS account id, found "\*"/);
    expect(() => keyPolicy((key) => key.grantThroughS3('None', partner, 'read', []))).toThrow(/no bucket named/);
  });
});
