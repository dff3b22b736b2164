/**
 * The per-account Terraform state bucket the stacks' S3 backend uses: versioned (a bad apply can
 * be rolled back to an earlier state), encrypted, private, reachable over TLS only. Idempotent.
 */
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { denyInsecureTransport } from '../modules/iam/policy';

/** The settings of the S3 client to create the bucket with (region, credentials, endpoint). */
export type AwsClientTarget = S3ClientConfig & { readonly region: string };

export interface StateBucketOptions {
  /**
   * Deny every request not made over TLS. Off only for moto_server, which denies every object
   * request on a bucket whose policy has any conditional statement (it cannot evaluate them).
   * @default true
   */
  readonly denyInsecureTransport?: boolean;
}

/** Creates the bucket if missing and (re)applies its protections. Returns true if it was created. */
export async function ensureStateBucket(target: AwsClientTarget, bucket: string, options: StateBucketOptions = {}): Promise<boolean> {
  const s3 = new S3Client(target);
  const exists = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that refuses a location constraint naming itself.
        CreateBucketConfiguration:
          target.region === 'us-east-1' ? undefined : { LocationConstraint: target.region as BucketLocationConstraint },
      }),
    );
  }
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    }),
  );
  if (options.denyInsecureTransport ?? true) {
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(tlsOnlyPolicy(bucket)) }));
  }
  return !exists;
}

/** The state bucket's policy: the same TLS-only deny every bucket of the kit carries. */
export function tlsOnlyPolicy(bucket: string) {
  return { Version: '2012-10-17', Statement: [denyInsecureTransport('s3:*', [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`])] };
}
