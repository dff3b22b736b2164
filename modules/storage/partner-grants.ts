/**
 * What the archive partners may do in an environment's buckets and with its key: the DAAC reads
 * the archives a CNM-S points it to, CNES polls and deletes CNM-S files, writes its CNM-R files,
 * and fetches the archives. Exactly these prefixes and actions, nothing else.
 */
import type { EnvironmentConfig, SharedBucket } from '../../config-generator/schema';
import { PREFIXES, type Naming } from '../naming';
import { KEY_ACTIONS, keyThroughS3, principalOf } from './bucket-access';
import { partnerPrincipals, type PolicyStatement } from '../iam/policy';
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

/** Key policy statements for the DAAC and CNES. */
export function partnerKeyStatements(config: EnvironmentConfig, naming: Naming): PolicyStatement[] {
  const { region } = naming.identity;
  const statements: PolicyStatement[] = [];
  const { daac, cnes } = config.cnm;
  const account = (accountId: string) => principalOf({ accountId, partition: naming.partition });
  if (daac) {
    const publishers = partnerPrincipals(daac.publisherPrincipals);
    statements.push({
      Sid: 'DaacPublishesCnmR',
      Effect: 'Allow',
      Principal: publishers.Principal,
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: '*',
      Condition: { ...publishers.Condition, StringEquals: { 'kms:ViaService': `sns.${region}.amazonaws.com` } },
    });
    statements.push({ Sid: 'DaacReadsArchives', Effect: 'Allow', Principal: account(daac.accountId), Action: 'kms:Decrypt', Resource: '*', Condition: keyThroughS3(region, [naming.bucketArn('archive')]) });
    if (daac.cnmS.stream === 'stand-in') {
      statements.push({
        Sid: 'DaacReadsStandInStream',
        Effect: 'Allow',
        Principal: account(daac.accountId),
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': `kinesis.${region}.amazonaws.com` } },
      });
    }
  }
  if (cnes) {
    statements.push({
      Sid: 'CnesExchangesMessages',
      Effect: 'Allow',
      Principal: account(cnes.accountId),
      Action: KEY_ACTIONS['read-write'],
      Resource: '*',
      // Its CNM exchange in the messages bucket, and the archives it fetches.
      Condition: keyThroughS3(region, [naming.bucketArn('messages'), naming.bucketArn('archive')]),
    });
  }
  return statements;
}
