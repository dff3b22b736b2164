/**
 * Finding the offline AWS provider mirror when PCM_PROVIDER_MIRROR is not set: the folders a
 * machine image usually keeps one in (as .ci/run looks). Returns the mirror's root, the folder
 * that holds registry.terraform.io, or undefined.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/opt/tf-plugins', '/opt/terraform/plugins', '/usr/share/terraform/plugins', '/usr/local/share/terraform/plugins', join(homedir(), '.terraform.d', 'plugins')];

export function findProviderMirror(candidates: readonly string[] = CANDIDATES): string | undefined {
  return candidates.find((root) => {
    const aws = join(root, 'registry.terraform.io', 'hashicorp', 'aws');
    return existsSync(aws) && readdirSync(aws).length > 0;
  });
}
