/**
 * HySDS's own run-time parsing over what the kit synthesizes (DESIGN.md, "HySDS at run time"):
 * the verdi bootstrap's exact shell pipeline over every worker's user data, user data sizes, and
 * a config change that must not touch any core instance.
 */
import { execFileSync } from 'node:child_process';
import { RULES } from '../../check/pack';
import { StackView } from '../../check/stack-view';
import { validateSources } from '../../config-generator/loader';
import { bundleUrl, HYSDS_BUNDLE_PIPELINE } from '../../modules/compute/cluster-config';
import { renderProvisioningScript } from '../../modules/compute/hysds-provisioning';
import { Naming } from '../../modules/naming';
import { fixtureData, fixtureEnvironments, fixtureSources } from '../support/fixtures';
import { resourcesOf, synthesize, type StackJson } from '../support/synth';

const environments = fixtureEnvironments();
const { stacks } = synthesize(environments);
const decode = (value: string) => JSON.parse(/^\$\{base64encode\((".*")\)\}$/s.exec(value)![1]) as string;
/** The verdi bootstrap's parsing, run by bash: `curl .../user-data/ | grep BUNDLE_URL | cut -d= -f 2`. */
const hysdsReads = (userData: string) => execFileSync('bash', ['-c', HYSDS_BUNDLE_PIPELINE], { input: userData, encoding: 'utf8' }).trim();

describe('the worker bootstrap, as HySDS parses it', () => {
  it.each(environments.map((e) => e.config.environment.name))('%s: every worker fetches the bundle sds ship writes for its queue', (name) => {
    const config = environments.find((e) => e.config.environment.name === name)!.config;
    const naming = Naming.of(config);
    const templates = Object.values(resourcesOf(stacks[`${name}-compute`], 'aws_launch_template'));
    for (const queue of config.workers.queues) {
      const template = templates.find((t) => t.name === `${naming.venue}-${queue.name}`);
      // sds ship: ~/code_configs/<queue>-<VENUE>.tbz2, copied to the code bucket.
      expect(hysdsReads(decode(template.user_data))).toBe(bundleUrl(naming.bucket('code'), queue.name, naming.venue));
      expect(hysdsReads(decode(template.user_data))).toBe(`s3://${naming.bucket('code')}/${queue.name}-${naming.venue}.tbz2`);
    }
  });

  it('reads garbage from the line the kit wrote before, which is why PCM-HYS-1 exists', () => {
    expect(hysdsReads("echo 'BUNDLE_URL=s3://b/q-v.tbz2' > /etc/hysds-bundle.env\n")).toBe("s3://b/q-v.tbz2' > /etc/hysds-bundle.env");
  });
});

describe('user data', () => {
  it('stays small and static: bytes per instance kind in every environment of the fleet', () => {
    const sizes: Record<string, number> = {};
    for (const [stack, json] of Object.entries(stacks)) {
      if (!stack.endsWith('-compute')) continue;
      for (const instance of Object.values(resourcesOf(json, 'aws_instance'))) sizes[instance.tags.Name.replace(/^pcm-[a-z]+-/, '')] = Buffer.byteLength(instance.user_data);
      for (const template of Object.values(resourcesOf(json, 'aws_launch_template'))) if (template.user_data) sizes.verdi = Math.max(sizes.verdi ?? 0, Buffer.byteLength(decode(template.user_data)));
    }
    console.log(`user data bytes: ${JSON.stringify(sizes)}`);
    for (const bytes of Object.values(sizes)) expect(bytes).toBeLessThan(1024);
  });

  it('fails PCM-HYS-4 on user data over 16 KB', () => {
    const rule = RULES.find((r) => r.id === 'PCM-HYS-4')!;
    const view = new StackView('x-compute', { resource: { aws_instance: { i: { user_data: `#!/bin/bash\n${'# padding\n'.repeat(1700)}` } } } });
    expect(rule.check({ stack: view, environment: [view], config: environments[0].config }).map((v) => v.problem)).toEqual(['user data is 17012 bytes; EC2 allows 16384']);
  });

  it('fails PCM-HYS-3 on a group that no role may scale from zero', () => {
    const rule = RULES.find((r) => r.id === 'PCM-HYS-3')!;
    const view = new StackView('ops-compute', { resource: { aws_autoscaling_group: { g: { name: 'pcm-ops-q' } } } });
    const ops = environments.find((e) => e.config.environment.name === 'ops')!.config;
    expect(rule.check({ stack: view, environment: [view], config: ops }).map((v) => v.problem)).toEqual(['no role may autoscaling:SetDesiredCapacity on pcm-ops-q: HySDS cannot scale it from zero']);
  });

  it('PCM-SEC-1 still finds a password, but not a secret ARN or a placeholder a script fills at run time', () => {
    const rule = RULES.find((r) => r.id === 'PCM-SEC-1')!;
    const view = (text: string) => new StackView('x', { resource: { aws_ssm_document: { d: { content: text } } } });
    const problems = (text: string) => rule.check({ stack: view(text), environment: [], config: environments[0].config }).length;
    expect(problems('DB_PASSWORD=hunter2hunter2')).toBe(1);
    expect(problems('arn:aws:secretsmanager:us-west-2:1:secret:pcm-ops-hysds-credentials-??????')).toBe(0);
    expect(problems("printf 'MOZART_RABBIT_PASSWORD: %s\\n' \"$(openssl rand -hex 24)\"")).toBe(0);
  });
});

describe('a config change', () => {
  it('adds a queue without touching any core instance (no replacement, no stop)', () => {
    const ops = fixtureData('ops');
    ops.workers.queues.push({ ...ops.workers.queues[0], name: 'job_worker-gpu' });
    const changed = validateSources(fixtureSources({ ops }));
    expect(changed.issues).toEqual([]);
    const after = synthesize(changed.environments.filter((e) => e.config.environment.name === 'ops')).stacks['ops-compute'];
    const before = stacks['ops-compute'];
    expect(resourcesOf(after, 'aws_instance')).toEqual(resourcesOf(before, 'aws_instance'));
    expect(resourcesOf(after, 'aws_network_interface')).toEqual(resourcesOf(before, 'aws_network_interface'));
    // What does change: the config object (so the association runs again) and one more group.
    const config = (json: StackJson) => Object.values(resourcesOf(json, 'aws_s3_object'))[0].content;
    expect(config(after)).toContain("QUEUE_NAME: 'job_worker-gpu'");
    expect(config(before)).not.toContain('job_worker-gpu');
    expect(Object.keys(resourcesOf(after, 'aws_autoscaling_group'))).toHaveLength(Object.keys(resourcesOf(before, 'aws_autoscaling_group')).length + 1);
  });
});

describe('the provisioning document', () => {
  it('carries the script as SSM runs it: JSON content whose one step is the rendered script', () => {
    const ops = environments.find((e) => e.config.environment.name === 'ops')!.config;
    const naming = Naming.of(ops);
    const document = Object.values(resourcesOf(stacks['ops-compute'], 'aws_ssm_document'))[0];
    const content = JSON.parse(document.content);
    expect(content).toMatchObject({ schemaVersion: '2.2', parameters: { configDigest: { type: 'String' } } });
    const script = content.mainSteps[0].inputs.runCommand.join('\n');
    expect(script).toBe(
      renderProvisioningScript({
        venue: naming.venue,
        region: ops.aws.region,
        digest: '{{ configDigest }}',
        logGroup: naming.provisioningLogGroup(),
        codeBucket: naming.bucket('code'),
        secretId: naming.credentialsSecret(),
        packages: ops.release.jobPackages ?? [],
        peerNames: ['metrics', 'grq', 'factotum', 'ci'].map((c) => naming.resource(c)),
      }),
    );
  });
});
