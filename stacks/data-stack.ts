/**
 * `<env>-data`: the stateful half of an environment (key, buckets, message channels). With
 * protection.deletionProtection (on in the int and ops-like presets) it outlives `destroy`.
 */
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config-generator/schema';
import { EnvironmentKey } from '../modules/environment-key';
import type { AwsTarget } from './aws-target';
import { EnvironmentStack } from './environment-stack';

export class DataStack extends EnvironmentStack {
  readonly key: EnvironmentKey;

  constructor(scope: Construct, config: EnvironmentConfig, target?: AwsTarget) {
    super(scope, config, 'data', target);
    this.key = new EnvironmentKey(this, 'environment-key', {
      naming: this.naming,
      preventDestroy: config.protection.deletionProtection,
    });
    new TerraformOutput(this, 'kms_key_arn', {
      value: this.key.arn,
      description: "ARN of the environment's KMS key (arn:aws:kms:<region>:<account>:key/<id>).",
    });
  }
}
