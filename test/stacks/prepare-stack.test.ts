/**
 * EnvironmentStack skips cdktf's preparing resolve (stacks/environment-stack.ts says why). That is
 * only right while the kit's stacks share no tokens: here the six examples are synthesized with
 * cdktf's own prepareStack and with the kit's, and every file written must be the same.
 */
import { readdirSync, readFileSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TerraformStack } from 'cdktf';
import { loadEnvironments } from '../../config-generator/loader';
import { EnvironmentStack } from '../../stacks/environment-stack';
import { synthesizeTo } from '../../stacks/synthesize';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

describe("skipping cdktf's preparing resolve", () => {
  it('changes no file of the six examples', () => {
    const environments = loadEnvironments();
    const kit = mkdtempSync(join(tmpdir(), 'pcm-prepare-kit-'));
    const cdktf = mkdtempSync(join(tmpdir(), 'pcm-prepare-cdktf-'));
    synthesizeTo(kit, environments);
    const own = Object.getOwnPropertyDescriptor(EnvironmentStack.prototype, 'prepareStack')!;
    // The test swaps the method itself on the prototype; it is never called detached from a stack.
    /* eslint-disable @typescript-eslint/unbound-method */
    expect(own.value).not.toBe(TerraformStack.prototype.prepareStack);
    Object.defineProperty(EnvironmentStack.prototype, 'prepareStack', { ...own, value: TerraformStack.prototype.prepareStack });
    /* eslint-enable @typescript-eslint/unbound-method */
    try {
      synthesizeTo(cdktf, environments);
    } finally {
      Object.defineProperty(EnvironmentStack.prototype, 'prepareStack', own);
    }
    const [a, b] = [files(kit), files(cdktf)];
    expect([...a.keys()].filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(12);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [file, text] of a) expect({ file, same: text === b.get(file) }).toEqual({ file, same: true });
  }, 60000);
});
