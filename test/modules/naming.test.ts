/** The naming module: every name derives from configuration, deterministically, within AWS limits. */
import { Naming, NAME_LIMITS } from '../../modules/naming';

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
});
