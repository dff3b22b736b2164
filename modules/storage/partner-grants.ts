/**
 * What the archive partners may do in an environment's buckets and with its key: the DAAC reads
 * the archives a CNM-S points it to, CNES polls and deletes CNM-S files, writes its CNM-R files,
 * and fetches the archives. Exactly these prefixes and actions, nothing else.
 */
import type { EnvironmentConfig, SharedBucket } from '../../config-generator/schema';
import { PREFIXES, type Naming } from '../naming';
import { keyThroughS3, type EnvironmentKey } from '../iam/environment-key';
import { partnerPrincipals, principalOf } from '../iam/policy';
import type { SecureBucket } from './secure-bucket';

/** Adds the DAAC's and CNES's grants to the archive and messages buckets' policies. */
export function grantToPartners(config: EnvironmentConfig, naming: Naming, buckets: Readonly<Record<Extract<SharedBucket, 'archive' | 'messages'>, SecureBucket>>): void {
  const { daac, cnes } = config.cnm;
  const account = (accountId: string) => ({ accountId, partition: naming.partition });
  // The archives a CNM-S points to.
  if (daac) buckets.archive.grantRead('DaacReadsArchives', account(daac.accountId), PREFIXES.outgoing);
  if (cnes) buckets.archive.grantRead('CnesReadsArchives', account(cnes.accountId), PREFIXES.outgoing);
  // CNES's side of the CNM exchange in the messages bucket.
  if (cnes) {
    const messages = buckets.messages;
    const partner = account(cnes.accountId);
    messages.grantList('CnesListsCnmS', partner, [PREFIXES.cnmS]);
    messages.grantObjects('CnesReadsAndDeletesCnmS', partner, ['read', 'delete'], PREFIXES.cnmS);
    messages.grantPut('CnesWritesCnmR', partner, PREFIXES.cnmR);
    // The consumer's records sit inside cnm-r/; CNES must not be able to forge or replace them.
    messages.addToResourcePolicy({ Sid: 'CnesNeverWritesRecords', Effect: 'Deny', Principal: principalOf(partner), Action: 's3:PutObject', Resource: messages.reference.objectArn(PREFIXES.cnmRRecords) });
  }
}

/** Adds the DAAC's and CNES's use of the key to its key policy. */
export function grantKeyToPartners(config: EnvironmentConfig, naming: Naming, key: EnvironmentKey): void {
  const { region } = naming.identity;
  const { daac, cnes } = config.cnm;
  const account = (accountId: string) => principalOf({ accountId, partition: naming.partition });
  if (daac) {
    const publishers = partnerPrincipals(daac.publisherPrincipals);
    key.addToResourcePolicy({
      Sid: 'DaacPublishesCnmR',
      Effect: 'Allow',
      Principal: publishers.Principal,
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: '*',
      Condition: { ...publishers.Condition, StringEquals: { 'kms:ViaService': `sns.${region}.amazonaws.com` } },
    });
    // Decrypt only, through S3, for the archive bucket: the DAAC reads the archives a CNM-S points to.
    key.addToResourcePolicy({ Sid: 'DaacReadsArchives', Effect: 'Allow', Principal: account(daac.accountId), Action: 'kms:Decrypt', Resource: '*', Condition: keyThroughS3(region, [naming.bucketArn('archive')]) });
    if (daac.cnmS.stream === 'stand-in') {
      key.addToResourcePolicy({
        Sid: 'DaacReadsStandInStream',
        Effect: 'Allow',
        Principal: account(daac.accountId),
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': `kinesis.${region}.amazonaws.com` } },
      });
    }
  }
  // Its CNM exchange in the messages bucket, and the archives it fetches.
  if (cnes) key.grantThroughS3('CnesExchangesMessages', { accountId: cnes.accountId, partition: naming.partition }, 'read-write', [naming.bucketArn('messages'), naming.bucketArn('archive')]);
}
