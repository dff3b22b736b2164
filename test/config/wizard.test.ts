/** The wizard's engine and its answers: defaults, flags first, missing answers, re-use. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAmiCatalog } from '../../amis/catalog';
import { parseSetFlags, readAnswersFile } from '../../config-generator/answers';
import { formatIssue } from '../../config-generator/errors';
import { describedPaths } from '../../config-generator/schema-walk';
import { IDENTITY_QUESTIONS, QUESTIONS } from '../../config-generator/questions';
import { runWizard, type Prompt } from '../../config-generator/wizard';
import { FIXTURE, fixtureEnvironments } from '../support/fixtures';

const context = { catalog: loadAmiCatalog(), today: '2026-11-22' };

const sets = (...flags: string[]) => {
  const parsed = parseSetFlags(flags);
  expect(parsed.issues.map(formatIssue)).toEqual([]);
  return parsed.sets;
};

/** What a dev environment needs beyond its preset. */
const DEV_ESSENTIALS = [
  'environment.name=dev-alice',
  'aws.accountId=012345678901',
  'network.vpcId=vpc-0123456789abcdef0',
  'network.privateSubnetIds=subnet-0123456789abcdef0, subnet-0123456789abcdef1',
  'network.operatorCidrs=10.0.0.0/8',
  'release.pcmRelease=4.1.0',
  'cnm.daac.accountId=777777777777',
  'cnm.cnes.accountId=888888888888',
];

describe('wizard without a terminal', () => {
  it('fails listing every answer that has no default, with what each field is', async () => {
    const result = await runWizard({ sets: sets('environment.name=ops'), context });
    expect(result.ok).toBe(false);
    const missing = !result.ok ? result.issues.map((i) => i.path.join('.')) : [];
    expect(missing).toEqual([
      'aws.accountId',
      'aws.deployRoleArn', // its default derives from the account
      'network.vpcId',
      'network.privateSubnetIds',
      'network.operatorCidrs',
      'release.pcmRelease',
      'cnm.daac.accountId', // ops delivers to a DAAC and exchanges with CNES unless told otherwise
      'cnm.daac.cnmS.streamArn',
      'cnm.daac.cnmS.roleArn',
      'cnm.cnes.accountId',
      'release.containers.pge', // derived from account, region and release
      'cnm.daac.publisherPrincipals', // derived from the DAAC account
    ]);
    expect(!result.ok && formatIssue(result.issues[0])).toBe(
      '(answers): aws.accountId: expected an answer: The AWS account this environment lives in (12 digits, quoted), found nothing (the field is missing)',
    );
  });

  it('does not guess a kind from a name that does not say it', async () => {
    const result = await runWizard({ sets: sets('environment.name=ops2'), context });
    expect(!result.ok && result.issues.map((i) => i.path.join('.'))).toEqual(['environment.kind']);
  });

  it('derives defaults from earlier answers and the catalog', async () => {
    const result = await runWizard({ sets: sets(...DEV_ESSENTIALS), context });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    const { config } = result;
    expect(config.environment).toEqual({ name: 'dev-alice', kind: 'dev' }); // kind from the name
    expect(config.aws.accountId).toBe('012345678901'); // a string, leading zero kept
    expect(config.aws.deployRoleArn).toBe('arn:aws:iam::012345678901:role/pcm-deploy');
    expect(config.release.amiRelease).toBe('2026.11.0'); // newest in us-west-2
    expect(config.release.hysdsVersion).toBe('v5.0.1'); // that release's HySDS
    expect(config.release.containers).toEqual({ pge: '012345678901.dkr.ecr.us-west-2.amazonaws.com/pcm-pge:4.1.0' });
    expect(config.cnm.daac?.publisherPrincipals).toEqual(['arn:aws:iam::777777777777:root']);
    expect(config.network.privateSubnetIds).toEqual(['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1']);
  });

  it('offers the account of the current credentials', async () => {
    const without = DEV_ESSENTIALS.filter((s) => !s.startsWith('aws.accountId'));
    const result = await runWizard({ sets: sets(...without), context: { ...context, callerAccountId: '123456789012' } });
    expect(result.ok && result.config.aws.accountId).toBe('123456789012');
  });

  it('gives a temporary environment a lifetime of 30 days from today', async () => {
    const result = await runWizard({
      sets: sets(...DEV_ESSENTIALS.filter((s) => !s.startsWith('cnm')), 'environment.name=adt-3', 'storage.sharedFrom.environment=ops'),
      context,
    });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.config.environment.kind).toBe('adt');
    expect(result.config.protection.lifetime).toEqual({ expiresOn: '2026-12-22' });
  });

  it('re-uses a pre-generated config with --from, changing only what is set', async () => {
    const ops = fixtureEnvironments().find((e) => e.config.environment.name === 'ops')!;
    const result = await runWizard({ from: ops.config, sets: sets('environment.name=ops-2', 'workers.queues[1].max=7'), context });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.config.environment).toEqual({ name: 'ops-2', kind: 'ops' });
    expect(result.config.workers.queues[1]).toEqual({ ...ops.config.workers.queues[1], max: 7 });
    expect({ ...result.config, environment: ops.config.environment, workers: ops.config.workers }).toEqual(ops.config);
  });
});

describe('wizard at a terminal', () => {
  it('asks only what flags did not answer, each with its default, and quotes back a bad flag', async () => {
    const asked: Prompt[] = [];
    const replies: Record<string, unknown> = { 'network.vpcId': 'vpc-0123456789abcdef0' };
    const result = await runWizard({
      sets: sets(...DEV_ESSENTIALS.filter((s) => !s.startsWith('network.vpcId')), 'aws.region=us-east-1'),
      answers: { network: { vpcId: 'vpc-12' } },
      context,
      ask: async (prompt) => {
        asked.push(prompt);
        return prompt.path in replies ? replies[prompt.path] : prompt.initial;
      },
    });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    const paths = asked.map((p) => p.path);
    expect(paths).not.toContain('aws.accountId');
    expect(paths).not.toContain('aws.region');
    // Derived values (HySDS version, PGE image, DAAC publisher) are not asked; DAAC and CNES are given.
    expect(paths).toEqual(['environment.kind', 'project', 'aws.deployRoleArn', 'network.vpcId', 'release.amiRelease']);
    const vpc = asked.find((p) => p.path === 'network.vpcId')!;
    expect(vpc.rejected).toEqual({ value: 'vpc-12', problem: 'a VPC id such as "vpc-0a1b2c3d4e5f67890"' });
    expect(vpc.validate('vpc-12')).toBe('a VPC id such as "vpc-0a1b2c3d4e5f67890"');
    expect(asked.find((p) => p.path === 'release.amiRelease')!.choices!.map((c) => c.value)).toEqual(['2026.11.0']); // only us-east-1
    expect(result.config.network.vpcId).toBe('vpc-0123456789abcdef0');
  });

  /** Runs the wizard with scripted replies (by path; a list is given in turn) and records what it asked. */
  async function scripted(script: Record<string, unknown[]>, input: Partial<Parameters<typeof runWizard>[0]> = {}) {
    const replies = structuredClone(script);
    const asked: Prompt[] = [];
    const result = await runWizard({
      context,
      ...input,
      ask: async (prompt) => {
        asked.push(prompt);
        const queue = replies[prompt.path];
        if (queue && queue.length > 0) {
          const value = queue.shift();
          // The asker re-asks until the answer passes (as prompts does at the terminal).
          const check = prompt.validate(value);
          if (check !== true) {
            asked.push({ ...prompt, rejected: { value, problem: check } });
            return queue.shift();
          }
          return value;
        }
        return prompt.initial;
      },
    });
    return { asked, result };
  }

  const NEW_DEV = {
    'environment.name': ['dev-bob'],
    'aws.accountId': ['012345678901'],
    'network.vpcId': ['vpc-0123456789abcdef0'],
    'network.privateSubnetIds': [['subnet-0123456789abcdef0']],
    'network.operatorCidrs': [['10.0.0.0/8']],
    'release.pcmRelease': ['4.1.0'],
  };

  it('asks a dev cluster 13 questions, 5 without a default, and delivers to no DAAC or CNES unless told', async () => {
    const { asked, result } = await scripted({ ...NEW_DEV });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(asked.map((p) => p.path)).toEqual([
      'environment.name', 'environment.kind', 'project', 'aws.accountId', 'aws.region', 'aws.deployRoleArn', 'network.vpcId',
      'network.privateSubnetIds', 'network.operatorCidrs', 'release.pcmRelease', 'release.amiRelease', 'cnm.daac', 'cnm.cnes',
    ]);
    expect(asked.filter((p) => p.initial === undefined).map((p) => p.path)).toEqual(['aws.accountId', 'network.vpcId', 'network.privateSubnetIds', 'network.operatorCidrs', 'release.pcmRelease']);
    expect(asked.find((p) => p.path === 'cnm.daac')).toMatchObject({ title: 'Deliver to a DAAC?', input: 'confirm', initial: false });
    expect(asked.find((p) => p.path === 'cnm.cnes')).toMatchObject({ title: 'Exchange with CNES?', input: 'confirm', initial: false });
    expect(result.config.cnm.daac).toBeUndefined();
    expect(result.config.cnm.cnes).toBeUndefined();
  });

  it('keeps every help line, as the terminal shows it, within 80 columns', () => {
    const lines = [...IDENTITY_QUESTIONS, ...QUESTIONS].map((q) => `  ${q.help ?? ''} [${q.path.join('.')}]`);
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    expect([...IDENTITY_QUESTIONS, ...QUESTIONS].filter((q) => !q.help || q.title.length > 30)).toEqual([]);
  });

  it("asks the DAAC's and CNES's accounts only after a yes", async () => {
    const { asked, result } = await scripted({ ...NEW_DEV, 'cnm.daac': [true], 'cnm.daac.accountId': ['777777777777'], 'cnm.cnes': [true], 'cnm.cnes.accountId': ['888888888888'] });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(asked.map((p) => p.path).slice(-4)).toEqual(['cnm.daac', 'cnm.daac.accountId', 'cnm.cnes', 'cnm.cnes.accountId']);
    expect(result.config.cnm.daac).toEqual({ accountId: '777777777777', publisherPrincipals: ['arn:aws:iam::777777777777:root'], cnmS: { stream: 'stand-in' } });
    expect(result.config.cnm.cnes).toEqual({ accountId: '888888888888', batchIntervalMinutes: 15 });
  });

  it('refuses a region without images when it is given, naming the regions that have them', async () => {
    const { asked, result } = await scripted({ ...NEW_DEV, 'aws.region': ['eu-west-1', 'us-east-1'] });
    expect(result.ok).toBe(true);
    expect(asked.find((p) => p.path === 'aws.region' && p.rejected)?.rejected).toEqual({
      value: 'eu-west-1',
      problem: 'a region with images: us-west-2, us-east-1 (eu-west-1 has none)',
    });
    const region = asked.find((p) => p.path === 'aws.region')!;
    expect(region.validate('us-west-9')).toBe('a region that exists in the aws partition (us-east-1, us-east-2, us-west-1, us-west-2, ...)');
  });

  it('follows an account another environment uses with "share it?", which sets sharesAccountWith', async () => {
    const accounts = new Map([['adt', '666666666666']]);
    const yes = await scripted({ ...NEW_DEV, 'aws.accountId': ['666666666666'], 'aws.sharesAccountWith': [true] }, { context: { ...context, accounts } });
    expect(yes.asked.find((p) => p.path === 'aws.sharesAccountWith')).toMatchObject({ title: 'Share it with adt?', input: 'confirm', initial: false });
    expect(yes.result.ok && yes.result.config.aws.sharesAccountWith).toEqual(['adt']);

    const no = await scripted({ ...NEW_DEV, 'aws.accountId': ['666666666666', '012345678901'], 'aws.sharesAccountWith': [false] }, { context: { ...context, accounts } });
    const again = no.asked.filter((p) => p.path === 'aws.accountId');
    expect(again[1].rejected).toEqual({ value: '666666666666', problem: 'an account of its own (adt already uses it)' });
    expect(no.result.ok && no.result.config.aws).toMatchObject({ accountId: '012345678901' });
    expect(no.result.ok && no.result.config.aws.sharesAccountWith).toBeUndefined();
  });

  it('asks "share it?" for an account given by --set too, before the other questions', async () => {
    const accounts = new Map([['adt', '666666666666']]);
    const { asked, result } = await scripted(
      { ...NEW_DEV, 'aws.sharesAccountWith': [false], 'aws.accountId': ['012345678901'] },
      { context: { ...context, accounts }, sets: sets('aws.accountId=666666666666') },
    );
    const paths = asked.map((p) => p.path);
    expect(paths.slice(paths.indexOf('aws.sharesAccountWith'), paths.indexOf('aws.sharesAccountWith') + 2)).toEqual(['aws.sharesAccountWith', 'aws.accountId']);
    expect(asked.find((p) => p.path === 'aws.accountId')!.rejected).toEqual({ value: '666666666666', problem: 'an account of its own (adt already uses it)' });
    expect(result.ok && result.config.aws.accountId).toBe('012345678901');
  });

  it('refuses a lifetime that ends today or before', async () => {
    const { asked, result } = await scripted({ ...NEW_DEV, 'environment.name': ['adt-9'], 'storage.sharedFrom.environment': ['ops'], 'protection.lifetime.expiresOn': ['2020-01-01', '2027-01-31'] });
    expect(asked.find((p) => p.path === 'protection.lifetime.expiresOn' && p.rejected)?.rejected).toEqual({
      value: '2020-01-01',
      problem: "a date after today (2026-11-22): on that date every object of the environment's buckets expires",
    });
    expect(result.ok && result.config.protection.lifetime).toEqual({ expiresOn: '2027-01-31' });
  });

  it('fails before the first question on a bad --set for a field no question asks', async () => {
    const { sets: parsed } = parseSetFlags(['workers.queues[0].max=-1', 'network.vpcId=vpc-1'], { keepInvalid: true });
    const { asked, result } = await scripted({}, { sets: parsed });
    expect(asked).toEqual([]);
    expect(!result.ok && result.issues.map(formatIssue)).toEqual(['--set: workers.queues[0].max: expected a whole number of instances >= 0, found -1']);
  });

  it('edits an existing file on a re-run: its values are the defaults', async () => {
    const dev = fixtureEnvironments().find((e) => e.config.environment.name === 'dev')!;
    const { asked, result } = await scripted({ 'environment.name': ['dev'], 'release.pcmRelease': [FIXTURE.candidateRelease] }, { existing: (name) => (name === 'dev' ? dev.config : undefined) });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.edited).toBe(true);
    expect(asked.find((p) => p.path === 'environment.kind')!.initial).toBe('dev');
    expect(asked.find((p) => p.path === 'aws.accountId')!.initial).toBe(dev.config.aws.accountId);
    expect(asked.find((p) => p.path === 'cnm.daac')!.initial).toBe(true); // the file delivers to a DAAC
    expect(result.config).toEqual({ ...dev.config, release: { ...dev.config.release, pcmRelease: FIXTURE.candidateRelease } });
  });

  it('stops at the first cancelled question', async () => {
    await expect(
      runWizard({
        context,
        ask: async () => {
          throw new Error('cancelled');
        },
      }),
    ).rejects.toThrow('cancelled');
  });
});

describe('answers given ahead', () => {
  it('reads --set values the way the schema expects them', () => {
    const { sets: parsed } = parseSetFlags([
      'aws.accountId=000000000042',
      'workers.queues[0].max=10',
      'batch.jobDefinitions[0].expectedFailureExitCodes=3, 4',
      'protection.deletionProtection=yes',
      'release.amiOverrides.verdi={ssmParameter: /pcm/amis/verdi}',
    ]);
    expect(parsed.map((s) => s.value)).toEqual(['000000000042', 10, [3, 4], true, { ssmParameter: '/pcm/amis/verdi' }]);
  });

  it('fails on --set flags that name no field or hold a bad value, quoting them', () => {
    const { issues } = parseSetFlags(['aws.acountId=1', 'network.vpcId=vpc-1', 'region']);
    expect(issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^--set: aws\.acountId: expected a known field \(did you mean "accountId"\?/),
      '--set: network.vpcId: expected a VPC id such as "vpc-0a1b2c3d4e5f67890", found "vpc-1"',
      '--set: (file): expected path=value, e.g. --set aws.region=us-west-2, found "region"',
    ]);
  });

  it('fails on an answers file with unknown or bad fields, naming the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-answers-'));
    const file = join(dir, 'answers.yaml');
    writeFileSync(file, 'environment:\n  name: dev\naws:\n  acount: "1"\n  region: moon\n');
    expect(readAnswersFile(file).issues.map(formatIssue)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:4: aws\\.acount: expected a known field \\(did you mean "accountId"\\?`)),
      `${file}:5: aws.region: expected an AWS region such as "us-west-2", found "moon"`,
    ]);
    expect(readAnswersFile(join(dir, 'missing.yaml')).issues.map(formatIssue)[0]).toMatch(/missing\.yaml: \(file\): expected a readable answers file, found ENOENT/);
  });

  it('walks every described field of the schema', () => {
    expect(describedPaths()).toEqual(expect.arrayContaining(['aws.accountId', 'workers.queues[].max', 'cnm.daac.cnmS.streamArn', 'protection.lifetime.expiresOn']));
  });
});
