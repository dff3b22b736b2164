/**
 * The environment every Terraform run of the kit gets (lib/terraform-cli.ts): no prompts, the
 * mirror's CLI config when a mirror is set, and a garbage-collector target the provider plugins
 * inherit (each apply starts the 675 MB AWS provider about four times).
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraformEnv, TERRAFORM_GOGC, TERRAFORM_GOMEMLIMIT } from '../../lib/terraform-cli';

describe('terraformEnv', () => {
  it('runs Terraform without prompts and with a lighter garbage collector, unless the operator set one', () => {
    const env = terraformEnv({ PATH: '/usr/bin' });
    expect(env).toMatchObject({ TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', GOGC: TERRAFORM_GOGC, GOMEMLIMIT: TERRAFORM_GOMEMLIMIT, PATH: '/usr/bin' });
    expect(Number(TERRAFORM_GOGC)).toBeGreaterThan(100);
    expect(terraformEnv({ GOGC: '50' }).GOGC).toBe('50');
    expect(terraformEnv({ GOMEMLIMIT: '512MiB' }).GOMEMLIMIT).toBe('512MiB');
    // A soft limit goes with the high GOGC, so the saving cannot cost unbounded memory.
    expect(TERRAFORM_GOMEMLIMIT).toMatch(/^\d+(MiB|GiB)$/);
  });

  it('points Terraform at a CLI config that installs only from the mirror', () => {
    const mirror = mkdtempSync(join(tmpdir(), 'pcm-mirror-'));
    mkdirSync(join(mirror, 'registry.terraform.io'));
    const config = readFileSync(terraformEnv({ PCM_PROVIDER_MIRROR: mirror }).TF_CLI_CONFIG_FILE!, 'utf8');
    expect(config).toContain(`path = ${JSON.stringify(mirror)}`);
    expect(config).toContain('exclude = ["*/*/*"]');
    expect(() => terraformEnv({ PCM_PROVIDER_MIRROR: join(mirror, 'nothing-here') })).toThrow(/PCM_PROVIDER_MIRROR=.*nothing-here: no registry.terraform.io folder/);
  });
});
