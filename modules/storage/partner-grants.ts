/**
 * What the archive partners may do in an environment's buckets and with its key: the DAAC reads
 * the archives a CNM-S points it to, CNES polls and deletes CNM-S files, writes its CNM-R files,
 * and fetches the archives. Exactly these prefixes and actions, nothing else.
 */
import type { EnvironmentConfig } from '../../config-generator/schema';
import { PREFIXES, type Naming } from '../naming';
import { s3EncryptionContext } from './storage-grants';
import { accountRoot, partnerPrincipals, type PolicyStatement } from '../iam/policy';

/** Through S3 only, and only for these buckets (their encryption context). */
const viaS3 = (region: string, bucketArns: readonly string[]) => ({ StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` }, StringLike: s3EncryptionContext(bucketArns) });

/** Bucket policy statements for the archive bucket. */
export function archiveStatements(config: EnvironmentConfig, naming: Naming): PolicyStatement[] {
  const outgoing = `${naming.bucketArn('archive')}/${PREFIXES.outgoing}*`;
  const readers = [
    ...(config.cnm.daac ? [['DaacReadsArchives', config.cnm.daac.accountId]] : []),
    ...(config.cnm.cnes ? [['CnesReadsArchives', config.cnm.cnes.accountId]] : []),
  ];
  return readers.map(([Sid, account]) => ({ Sid, Effect: 'Allow', Principal: { AWS: accountRoot(account, naming.partition) }, Action: 's3:GetObject', Resource: outgoing }));
}

/** Bucket policy statements for the messages bucket: CNES's side of the CNM exchange. */
export function messagesStatements(config: EnvironmentConfig, naming: Naming): PolicyStatement[] {
  if (!config.cnm.cnes) return [];
  const principal = { AWS: accountRoot(config.cnm.cnes.accountId, naming.partition) };
  const bucket = naming.bucketArn('messages');
  return [
    { Sid: 'CnesListsCnmS', Effect: 'Allow', Principal: principal, Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': [`${PREFIXES.cnmS}*`] } } },
    { Sid: 'CnesReadsAndDeletesCnmS', Effect: 'Allow', Principal: principal, Action: ['s3:GetObject', 's3:DeleteObject'], Resource: `${bucket}/${PREFIXES.cnmS}*` },
    { Sid: 'CnesWritesCnmR', Effect: 'Allow', Principal: principal, Action: 's3:PutObject', Resource: `${bucket}/${PREFIXES.cnmR}*` },
    // The consumer's records sit inside cnm-r/; CNES must not be able to forge or replace them.
    { Sid: 'CnesNeverWritesRecords', Effect: 'Deny', Principal: principal, Action: 's3:PutObject', Resource: `${bucket}/${PREFIXES.cnmRRecords}*` },
  ];
}

/** Key policy statements for the DAAC and CNES. */
export function partnerKeyStatements(config: EnvironmentConfig, naming: Naming): PolicyStatement[] {
  const { region } = naming.identity;
  const statements: PolicyStatement[] = [];
  const { daac, cnes } = config.cnm;
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
    statements.push({ Sid: 'DaacReadsArchives', Effect: 'Allow', Principal: { AWS: accountRoot(daac.accountId, naming.partition) }, Action: 'kms:Decrypt', Resource: '*', Condition: viaS3(region, [naming.bucketArn('archive')]) });
    if (daac.cnmS.stream === 'stand-in') {
      statements.push({
        Sid: 'DaacReadsStandInStream',
        Effect: 'Allow',
        Principal: { AWS: accountRoot(daac.accountId, naming.partition) },
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
      Principal: { AWS: accountRoot(cnes.accountId, naming.partition) },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      // Its CNM exchange in the messages bucket, and the archives it fetches.
      Condition: viaS3(region, [naming.bucketArn('messages'), naming.bucketArn('archive')]),
    });
  }
  return statements;
}
