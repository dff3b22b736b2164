/**
 * What an emulated account needs before the kit can deploy into it: what the account's
 * administrators provide in real life (the deploy role) and what bootstrap creates (the state
 * bucket). The network is the caller's, since moto cannot create a VPC with a chosen id.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { Naming } from '../../modules/naming';
import type { AwsCredentialIdentity } from '@smithy/types';
import { ensureStateBucket } from '../state-bucket';
import { emulatorClientConfig } from './server';

/** Credentials acting in `accountId` of the emulator (moto honours AssumeRole into any account). */
export async function credentialsIn(endpoint: string, accountId: string, region = 'us-east-1'): Promise<AwsCredentialIdentity> {
  const sts = new STSClient(emulatorClientConfig(endpoint, region));
  const out = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/pcm-emulator-admin`, RoleSessionName: 'pcm-emulator' }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
}

/** The role name of an IAM role ARN (`arn:aws:iam::1:role/path/name` -> `name`). */
function roleName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * Creates the environment's deploy role and (unless told not to: that is bootstrap's job) its
 * state bucket in its emulated account, if they are not there yet. Returns credentials in that
 * account, as its administrators would hold them.
 */
export async function prepareEmulatedAccount(
  endpoint: string,
  config: EnvironmentConfig,
  options: { readonly stateBucket?: boolean } = {},
): Promise<AwsCredentialIdentity> {
  const { accountId, region, deployRoleArn } = config.aws;
  const credentials = await credentialsIn(endpoint, accountId, region);
  const iam = new IAMClient(emulatorClientConfig(endpoint, region, credentials));
  const RoleName = roleName(deployRoleArn);
  const exists = await iam.send(new GetRoleCommand({ RoleName })).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    // A deploy role administers its account; in real accounts its administrators scope it.
    await iam.send(
      new PutRolePolicyCommand({
        RoleName,
        PolicyName: 'deploy',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
  }
  if (options.stateBucket ?? true) {
    await ensureStateBucket(emulatorClientConfig(endpoint, region, credentials), Naming.of(config).stateBucket(), {
      denyInsecureTransport: false,
    });
  }
  return credentials;
}

export interface EmulatedNetwork {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
}

/**
 * The network an account's administrators provide: a VPC with one private subnet per
 * availability zone. moto makes up its own ids, so the environment's config must be pointed at
 * them (see withNetwork).
 */
export async function createNetwork(endpoint: string, config: EnvironmentConfig, credentials: AwsCredentialIdentity): Promise<EmulatedNetwork> {
  const region = config.aws.region;
  const ec2 = new EC2Client(emulatorClientConfig(endpoint, region, credentials));
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const subnets = await Promise.all(
    ['a', 'b'].map((zone, i) => ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: `10.20.${i}.0/24`, AvailabilityZone: `${region}${zone}` }))),
  );
  return { vpcId: Vpc!.VpcId!, privateSubnetIds: subnets.map((s) => s.Subnet!.SubnetId!) };
}

/** A copy of `config` (as YAML data) on the emulated network. */
export function withNetwork<T extends { network: object }>(data: T, network: EmulatedNetwork): T {
  return { ...data, network: { ...data.network, vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds } };
}

/**
 * The service role moto's Batch insists on (AWS does not need one: see the schema's
 * batch.serviceRoleArn). Returns its ARN.
 */
export async function createBatchServiceRole(endpoint: string, config: EnvironmentConfig, credentials: AwsCredentialIdentity): Promise<string> {
  const iam = new IAMClient(emulatorClientConfig(endpoint, config.aws.region, credentials));
  const RoleName = 'pcm-emulator-batch-service';
  const existing = await iam.send(new GetRoleCommand({ RoleName })).catch(() => undefined);
  if (existing?.Role?.Arn) return existing.Role.Arn;
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'batch.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }),
  );
  return Role!.Arn!;
}
