/** The naming module: every name derives from configuration, deterministically, within AWS limits. */
import { Naming, NAME_LIMITS, partitionOf } from '../../modules/naming';
import { launchingServiceStatements } from '../../modules/iam/environment-key';
import { partnerPrincipals } from '../../modules/iam/policy';
import { sessionManagerStatements } from '../../modules/iam/session-manager';

const naming = new Naming({ project: 'pcm', environment: 'ops', accountId: '333333333333', region: 'us-west-2' });

describe('naming', () => {
  it('names stacks <env>-<layer>, which is what deploy selects', () => {
    expect([naming.stack('data'), naming.stack('compute')]).toEqual(['ops-data', 'ops-compute']);
  });

  it('makes bucket names globally unique with the account id', () => {
    expect(naming.bucket('dataset')).toBe('pcm-ops-dataset-333333333333');
    expect(naming.stateBucket()).toBe('pcm-tfstate-333333333333-us-west-2');
    expect(naming.stateKey('compute')).toBe('ops/ops-compute.tfstate');
  });

  it('keeps the longest names the schema allows within the bucket limit', () => {
    const longest = new Naming({ project: 'p'.repeat(16), environment: 'e'.repeat(16), accountId: '123456789012', region: 'ap-southeast-3' });
    for (const purpose of ['dataset', 'archive', 'messages', 'triage', 'code'] as const) {
      expect(longest.bucket(purpose).length).toBeLessThanOrEqual(NAME_LIMITS.bucket);
    }
    expect(longest.stateBucket().length).toBeLessThanOrEqual(NAME_LIMITS.bucket);
  });

  it('shortens an over-long name with a hash, deterministically and uniquely', () => {
    const a = naming.resource(`${'x'.repeat(70)}-a`, 'iamRole');
    const b = naming.resource(`${'x'.repeat(70)}-b`, 'iamRole');
    expect(a).toHaveLength(64);
    expect(a).not.toBe(b);
    expect(naming.resource(`${'x'.repeat(70)}-a`, 'iamRole')).toBe(a);
    expect(naming.resource('worker', 'iamRole')).toBe('pcm-ops-worker');
  });

  it('uses <project>-<env> as the HySDS venue and the KMS alias', () => {
    expect(naming.venue).toBe('pcm-ops');
    expect(naming.kmsAlias()).toBe('alias/pcm-ops');
  });

  it('names a queue\'s worker group <VENUE>-<queue>, the name HySDS scales', () => {
    expect(naming.workerGroup('job_worker-small')).toBe('pcm-ops-job_worker-small');
    // The check rules read a group's queue back through the inverse, never by splitting it.
    expect(naming.queueOfWorkerGroup(naming.workerGroup('job_worker-small'))).toBe('job_worker-small');
    expect(naming.queueOfWorkerGroup('pcm-int-job_worker-small')).toBeUndefined();
    expect(naming.queueOfWorkerGroup('pcm-ops-')).toBeUndefined();
  });

  it('names the harikiri queue <VENUE>-queue, the name HySDS workers look up, and its dead-letter queue', () => {
    expect(naming.harikiriQueue()).toBe('pcm-ops-queue');
    expect(naming.harikiriDeadLetterQueue()).toBe('pcm-ops-queue-dlq');
  });

  it('fails on a worker group name over the autoscaling limit rather than shortening it (HySDS looks the group up by name)', () => {
    expect(() => naming.workerGroup('q'.repeat(NAME_LIMITS.autoscalingGroup))).toThrow(/the autoscalingGroup name "pcm-ops-q+" is 263 characters; AWS allows 255/);
  });
});

describe('ARN partitions from the region', () => {
  const gov = new Naming({ project: 'pcm', environment: 'ops', accountId: '333333333333', region: 'us-gov-west-1' });

  it('maps GovCloud and China regions to their partitions, every other to aws', () => {
    expect([partitionOf('us-west-2'), partitionOf('us-gov-west-1'), partitionOf('us-gov-east-1'), partitionOf('cn-north-1'), partitionOf('eu-west-1')]).toEqual(['aws', 'aws-us-gov', 'aws-us-gov', 'aws-cn', 'aws']);
  });

  it('writes every ARN the naming module gives in the region\'s partition', () => {
    expect([gov.bucketArn('dataset'), gov.queueArn(gov.queue('staging')), gov.topicArn('alerts'), gov.cnmStreamArn(), gov.idempotencyTableArn()]).toEqual([
      'arn:aws-us-gov:s3:::pcm-ops-dataset-333333333333',
      'arn:aws-us-gov:sqs:us-gov-west-1:333333333333:pcm-ops-staging',
      'arn:aws-us-gov:sns:us-gov-west-1:333333333333:pcm-ops-alerts',
      'arn:aws-us-gov:kinesis:us-gov-west-1:333333333333:stream/pcm-ops-cnm-s',
      'arn:aws-us-gov:dynamodb:us-gov-west-1:333333333333:table/pcm-ops-idempotency',
    ]);
  });

  it('writes the policies of the launching roles, the SSM agent and the partners in that partition', () => {
    const text = JSON.stringify([
      launchingServiceStatements('333333333333', gov.partition),
      sessionManagerStatements(gov.identity),
      partnerPrincipals(['arn:aws-us-gov:iam::777777777777:role/podaac-cnm-response']),
    ]);
    expect(text).not.toMatch(/arn:aws:/);
    expect(text).toContain('arn:aws-us-gov:iam::333333333333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
    expect(text).toContain('"AWS":"arn:aws-us-gov:iam::777777777777:root"');
  });
});
