/**
 * Where the stacks' AWS API calls go: real AWS by default, or one endpoint that emulates every
 * service (moto_server) for the demo and the deploy tests. The emulator is a deploy-time choice,
 * never part of an environment's config: the same config deploys to both.
 */

/** The environment variable that points the stacks at an AWS emulator (`http://127.0.0.1:5000`). */
export const AWS_ENDPOINT_VARIABLE = 'PCM_AWS_ENDPOINT';

/** The provider's service keys the kit's resources use; each is sent to the emulator. */
export const EMULATED_SERVICES = [
  'autoscaling',
  'batch',
  'cloudwatch',
  'dynamodb',
  'ec2',
  'events',
  'iam',
  'kinesis',
  'kms',
  'lambda',
  'logs',
  's3',
  'scheduler',
  'secretsmanager',
  'sfn',
  'sns',
  'sqs',
  'ssm',
  'sts',
] as const;

export interface AwsTarget {
  /** An emulator's base URL; absent for real AWS. */
  readonly endpoint?: string;
}

export const REAL_AWS: AwsTarget = {};

/**
 * Whether bucket policies may carry conditional statements (the TLS-only deny). moto_server
 * evaluates bucket policies on object requests but no conditions, so there any conditional
 * statement denies every object request; the emulated buckets go without it.
 */
export function supportsConditionalBucketPolicies(target: AwsTarget): boolean {
  return target.endpoint === undefined;
}

/**
 * Whether SSM State Manager associations can be created. moto_server has no CreateAssociation and
 * no SSM agent to run one: there the provisioning document, config object, secret and log group
 * deploy, and the demo says plainly that provisioning did not run. `npm run check` holds the
 * real-AWS form (PCM-HYS-6).
 */
export function supportsStateManagerAssociations(target: AwsTarget): boolean {
  return target.endpoint === undefined;
}

/**
 * Whether Lambda's GetAccountSettings answers (the deploy guard's concurrency-quota check).
 * moto_server does not implement it; an emulated account has no quota to exceed anyway.
 */
export function supportsLambdaAccountSettings(target: AwsTarget): boolean {
  return target.endpoint === undefined;
}

/**
 * How many resources Terraform applies at once (its `-parallelism`), or undefined for Terraform's
 * default of 10. A deploy mostly waits: the AWS provider polls until S3 lifecycle rules, SQS
 * attributes and queue policies read back as written (10-60 s each, three matching reads ten
 * seconds apart), so ten slots leave the rest of a stack queued behind those sleeps. The emulator
 * answers at once and has no API rate limits, so there every resource may wait at the same time;
 * real accounts keep Terraform's default, which stays under the AWS APIs' request rates.
 */
export function terraformParallelism(target: AwsTarget): number | undefined {
  return target.endpoint === undefined ? undefined : 64;
}

/** Reads the target from the process environment, refusing anything but an http(s) URL. */
export function awsTargetFrom(env: NodeJS.ProcessEnv): AwsTarget {
  const endpoint = env[AWS_ENDPOINT_VARIABLE];
  if (!endpoint) return REAL_AWS;
  if (!/^https?:\/\/[^\s/]+\/?$/.test(endpoint)) {
    throw new Error(`${AWS_ENDPOINT_VARIABLE}=${endpoint}: expected a base URL such as http://127.0.0.1:5000`);
  }
  return { endpoint: endpoint.replace(/\/$/, '') };
}
