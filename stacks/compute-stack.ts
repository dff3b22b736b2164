/**
 * `<env>-compute`: the stateless half of an environment (instances, fleets, Batch, Lambdas),
 * which can be destroyed and re-created without losing data.
 */
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { AmiCatalog } from '../amis/catalog';
import { amiComponentsOf } from '../config-generator/checks';
import type { EnvironmentConfig } from '../config-generator/schema';
import { AmiImages } from '../modules/ami-images';
import type { AwsTarget } from './aws-target';
import { EnvironmentStack } from './environment-stack';

export class ComputeStack extends EnvironmentStack {
  readonly amis: AmiImages;

  constructor(scope: Construct, config: EnvironmentConfig, catalog: AmiCatalog, target?: AwsTarget) {
    super(scope, config, 'compute', target);
    this.amis = new AmiImages(this, 'amis', {
      catalog,
      region: config.aws.region,
      release: config.release.amiRelease,
      overrides: config.release.amiOverrides,
      components: amiComponentsOf(config),
    });
    new TerraformOutput(this, 'ami_ids', {
      value: this.amis.all(),
      description: 'AMI id of each component, by component name (mozart, metrics, grq, factotum, verdi, ...).',
    });
  }
}
