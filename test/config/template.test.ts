/**
 * The rendered file: the committed examples are exactly what the wizard writes from their
 * answers, rendering round-trips, every schema field is explained, and the JSON Schema is current.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadAmiCatalog } from '../../amis/catalog';
import { readAnswersFile } from '../../config-generator/answers';
import { configureEnvironment } from '../../config-generator/configure';
import { environmentJsonSchema, JSON_SCHEMA_FILE } from '../../config-generator/json-schema';
import { ENVIRONMENTS_DIR, validateSources } from '../../config-generator/loader';
import { renderEnvironment } from '../../config-generator/render';
import { describeAt, describedPaths } from '../../config-generator/schema-walk';
import { EXAMPLE_NAMES, exampleText } from '../support/examples';

const context = { catalog: loadAmiCatalog(), today: '2026-11-22' };

describe('example environments', () => {
  it.each(EXAMPLE_NAMES)('%s: the committed file is exactly what the wizard writes from its answers', async (name) => {
    const { answers, issues } = readAnswersFile(join(ENVIRONMENTS_DIR, 'answers', `${name}.yaml`));
    expect(issues).toEqual([]);
    const result = await configureEnvironment({ answers, context });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.path).toBe(join(ENVIRONMENTS_DIR, `${name}.yaml`));
    expect(result.text).toBe(exampleText(name));
  });
});

describe('template', () => {
  it('round-trips: render, load, and get the same config back', async () => {
    for (const name of EXAMPLE_NAMES) {
      const [loaded] = validateSources([{ file: `environments/${name}.yaml`, text: exampleText(name) }]).environments;
      const text = renderEnvironment(loaded.config, { schemaRef: 'x.json', selfRef: `environments/${name}.yaml` });
      const [again] = validateSources([{ file: `environments/${name}.yaml`, text }]).environments;
      expect(again.config).toEqual(loaded.config);
    }
  });

  it('round-trips optional fields the examples leave out', () => {
    const [loaded] = validateSources([{ file: 'environments/dev.yaml', text: exampleText('dev') }]).environments;
    const config = structuredClone(loaded.config);
    config.aws.sharesAccountWith = ['dev-alice'];
    config.release.amiOverrides = { verdi: { ssmParameter: '/pcm/amis/verdi' }, mozart: { amiId: 'ami-0123456789abcdef0' } };
    config.core.ci = { instanceType: 'm6i.xlarge', rootVolumeGiB: 200 };
    config.stagingArea.release = '4.1.0';
    config.tags = { 'cost-center': 'SWOT SDS', 'odd: key': 'value with "quotes" and # hash' };
    config.workers.queues = [];
    const text = renderEnvironment(config, { schemaRef: 'x.json', selfRef: 'environments/dev.yaml' });
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(config)));
  });

  it('explains every field of the schema in a comment', () => {
    const rendered = EXAMPLE_NAMES.map(exampleText).join('\n');
    const undocumented = describedPaths().filter((path) => !rendered.includes(describeAt(path)));
    expect(undocumented).toEqual([]);
  });

  it('points editors at a JSON Schema that matches the zod schema', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(environmentJsonSchema());
    expect(exampleText('dev').split('\n')[0]).toBe('# yaml-language-server: $schema=../config-generator/environment.schema.json');
  });
});
