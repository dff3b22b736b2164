/** Whether Terraform can run here offline; tests that need it skip, loudly, where it cannot. */
import { spawnSync } from 'node:child_process';
import { PROVIDER_MIRROR_VARIABLE, terraformBinary } from '../../lib/terraform-cli';

export function hasTerraformWithMirror(): boolean {
  if (spawnSync(terraformBinary(), ['version'], { encoding: 'utf8' }).status !== 0) {
    console.warn('SKIPPED: terraform is not on PATH; tests that run it did not run.');
    return false;
  }
  if (!process.env[PROVIDER_MIRROR_VARIABLE]) {
    console.warn(`SKIPPED: ${PROVIDER_MIRROR_VARIABLE} is not set; terraform cannot install the AWS provider offline.`);
    return false;
  }
  return true;
}
