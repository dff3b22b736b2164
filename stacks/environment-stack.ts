/**
 * What every stack of an environment shares: the AWS provider in the environment's account and
 * region (through its deploy role, refusing any other account), the default tags, the S3 state
 * backend of that account, and the naming from which every resource name derives.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config-generator/schema';
import { Naming, type StackLayer } from '../modules/naming';
import { EMULATED_SERVICES, REAL_AWS, type AwsTarget } from './aws-target';

/** The tags the kit puts on every resource; a config's own tags come on top. */
export function defaultTags(config: EnvironmentConfig): Record<string, string> {
  return {
    ...config.tags,
    project: config.project,
    environment: config.environment.name,
    kind: config.environment.kind,
    'managed-by': 'pcm-deploy',
    // A temporary environment says on every resource when it may be destroyed.
    ...(config.protection.lifetime ? { 'expires-on': config.protection.lifetime.expiresOn } : {}),
  };
}

export class EnvironmentStack extends TerraformStack {
  readonly naming: Naming;

  constructor(scope: Construct, readonly config: EnvironmentConfig, readonly layer: StackLayer, target: AwsTarget = REAL_AWS) {
    const naming = Naming.of(config);
    super(scope, naming.stack(layer));
    this.naming = naming;

    const provider = new AwsProvider(this, 'aws', {
      region: config.aws.region,
      // Terraform itself refuses to touch any account but the configured one.
      allowedAccountIds: [config.aws.accountId],
      assumeRole: [{ roleArn: config.aws.deployRoleArn, sessionName: `pcm-deploy-${naming.stack(layer)}` }],
      defaultTags: [{ tags: defaultTags(config) }],
    });

    new S3Backend(this, {
      bucket: naming.stateBucket(),
      key: naming.stateKey(layer),
      region: config.aws.region,
      encrypt: true,
      assumeRole: { roleArn: config.aws.deployRoleArn },
    });
    // S3 native locking (Terraform >= 1.10); cdktf 0.21's S3BackendConfig lacks the field.
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    if (target.endpoint) this.pointAt(provider, target.endpoint);
  }

  /**
   * cdktf resolves every element of every stack twice: once "preparing", to add what a token of
   * another stack needs (an output there, a remote-state lookup here), then again to write it. The
   * kit's stacks share no tokens (compute finds data's resources by the names naming.ts gives both
   * sides), so the preparing pass adds nothing and costs a sixth of the synthesis; only its backend
   * check is kept. test/stacks/prepare-stack.test.ts synthesizes the six examples both ways and
   * finds every file the same, and a token shared between stacks would leave a reference to a
   * resource the stack does not declare, which terraform validate refuses.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /**
   * Sends every API call of the provider and the state backend to an emulator. Path-style S3
   * because the emulator has no per-bucket DNS; no EC2 metadata lookups on a developer machine.
   * The emulator serves TLS (the buckets deny plain HTTP, and moto enforces bucket policies) with
   * a throwaway certificate of its own, which is why certificate checks are off for it alone.
   */
  private pointAt(provider: AwsProvider, endpoint: string): void {
    provider.endpoints = [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))];
    provider.s3UsePathStyle = true;
    provider.skipMetadataApiCheck = 'true';
    provider.insecure = true;
    this.addOverride('terraform.backend.s3.endpoints', { s3: endpoint, sts: endpoint, iam: endpoint });
    this.addOverride('terraform.backend.s3.use_path_style', true);
    this.addOverride('terraform.backend.s3.skip_metadata_api_check', true);
    this.addOverride('terraform.backend.s3.insecure', true);
  }
}
