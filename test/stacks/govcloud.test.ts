/**
 * The fixture fleet moved to GovCloud (us-gov-west-1, partition aws-us-gov), synthesized for real
 * AWS and checked with the whole rule pack. The emulator has one partition and accepts any ARN,
 * so this is where an `arn:aws:` written by hand shows: in aws-us-gov it matches nothing, and a
 * Step Functions task naming `arn:aws:states:::...` is refused when it runs.
 */
import { loadAmiCatalog } from '../../amis/catalog';
import { RULES } from '../../check/pack';
import { runChecks } from '../../check/run-checks';
import { StackView, type TerraformJson } from '../../check/stack-view';
import { validateSources } from '../../config-generator/loader';
import { Naming } from '../../modules/naming';
import { fixtureSources } from '../support/fixtures';
import { synthesize } from '../support/synth';

const GOV_REGION = 'us-gov-west-1';

// The images of the catalogue's first region, as if the image pipeline had built them in GovCloud too.
const catalog = loadAmiCatalog();
for (const release of Object.values(catalog.releases)) {
  const regions = release.regions as Record<string, unknown>;
  regions[GOV_REGION] = Object.values(regions)[0];
}

// Every region and partner ARN of the fleet moved to GovCloud; the loader refuses a mix.
const sources = fixtureSources().map((s) => ({ ...s, text: s.text.replaceAll('us-west-2', GOV_REGION).replaceAll('arn:aws:', 'arn:aws-us-gov:') }));
const loaded = validateSources(sources, catalog);
const { stacks } = synthesize(loaded.environments, { catalog });

describe('the fleet in GovCloud', () => {
  it('loads: the fixtures move to aws-us-gov whole', () => {
    expect(loaded.issues).toEqual([]);
    expect(loaded.environments.map((e) => Naming.of(e.config).partition)).toEqual(Array(6).fill('aws-us-gov'));
  });

  it('synthesizes with no ARN of the standard partition, the campaign engine included', () => {
    const text = JSON.stringify(stacks);
    expect(text.match(/arn:aws-us-gov:states:::[\w:.-]+/g)?.length).toBeGreaterThan(20);
    expect([...new Set(text.match(/arn:aws:[\w:.-]*/g) ?? [])]).toEqual([]);
  });

  it('passes every error-level rule of the pack, PCM-ARN-1 included', () => {
    const errors = loaded.environments.flatMap(({ config }) => {
      const naming = Naming.of(config);
      const views = [naming.stack('data'), naming.stack('compute')].map((name) => new StackView(name, stacks[name] as TerraformJson));
      return runChecks(config, views, RULES, loaded.environments.map((e) => e.config)).findings.filter((f) => f.level === 'error');
    });
    expect(errors).toEqual([]);
  });
});
