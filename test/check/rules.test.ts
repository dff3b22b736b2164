/**
 * Every rule of the pack against a fixture that breaks it and one that satisfies it: small
 * hand-written Terraform JSON, as cdktf writes it.
 */
import type { EnvironmentConfig } from '../../config-generator/schema';
import { RULES } from '../../check/pack';
import { StackView, type TerraformJson } from '../../check/stack-view';
import { hysdsCases } from './hysds-cases';
import { campaignCases } from './campaign-cases';
import { FIXTURE, fixtureEnvironments } from '../support/fixtures';

const environments = fixtureEnvironments();
const configOf = (name: string) => environments.find((e) => e.config.environment.name === name)!.config;
const OPS = configOf('ops');
const DEV = configOf('dev');

type Resources = Record<string, Record<string, Record<string, unknown>>>;

interface Fixture {
  readonly resources: Resources;
  readonly config?: EnvironmentConfig;
  /** Other parts of the stack JSON (provider, output). */
  readonly extra?: Partial<TerraformJson>;
  /** Other stacks of the same environment. */
  readonly siblings?: Resources[];
  /** Data sources of the stack. */
  readonly data?: Resources;
}

interface Case {
  readonly pass: Fixture;
  readonly fail: Fixture;
  /** The violation the failing fixture must produce: its resource address and its problem. */
  readonly finds: { readonly address: string; readonly problem: RegExp };
}

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ref = (address: string, attribute = 'id') => `\${${address}.${attribute}}`;
const TLS_DENY = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': false } } };
const PROVIDER_TAGS = (config: EnvironmentConfig) => ({
  provider: { aws: [{ default_tags: [{ tags: { project: config.project, environment: config.environment.name, kind: config.environment.kind, 'managed-by': 'pcm-deploy' } }] }] },
});

/** A bucket with one of its parts, the part pointing at it by reference. */
function bucketWith(partType: string, part: Record<string, unknown>, bucket: Record<string, unknown> = {}): Resources {
  return { aws_s3_bucket: { b: { bucket: `pcm-ops-dataset-${FIXTURE.accounts.ops}`, ...bucket } }, [partType]: { p: { bucket: ref('aws_s3_bucket.b'), ...part } } };
}

/** A worker group launching from a template whose volumes use the key behind alias/pcm-dev. */
const LAUNCHER: Resources = {
  aws_launch_template: { t: { block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true', kms_key_id: '${data.aws_kms_alias.environment_key.target_key_arn}' } }] } },
  aws_autoscaling_group: { g: { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: ref('aws_launch_template.t') } } } } },
};
const KEY_WITH = (statements: object[]): Resources => ({
  aws_kms_key: { k: { enable_key_rotation: true, policy: policy(...statements) } },
  aws_kms_alias: { a: { name: 'alias/pcm-dev', target_key_id: ref('aws_kms_key.k', 'key_id') } },
});
const LAUNCH_STATEMENTS = [
  { Effect: 'Allow', Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': FIXTURE.accounts.dev }, ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${FIXTURE.accounts.dev}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`] } } },
  { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': FIXTURE.accounts.dev }, ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${FIXTURE.accounts.dev}:role/aws-service-role/*` }, Bool: { 'kms:GrantIsForAWSResource': true } } },
];

const inGovCloud = (config: EnvironmentConfig): EnvironmentConfig => ({ ...config, aws: { ...config.aws, region: 'us-gov-west-1' } });
const sfnTask = (resource: string) => JSON.stringify({ StartAt: 'Row', States: { Row: { Type: 'Task', Resource: resource, End: true } } });

const CASES: Record<string, Case> = {
  ...hysdsCases(OPS),
  ...campaignCases(),
  // GovCloud: an ARN of the standard partition matches nothing there (the emulator has one partition).
  'PCM-ARN-1': {
    pass: { config: inGovCloud(OPS), resources: { aws_sfn_state_machine: { m: { definition: sfnTask('arn:aws-us-gov:states:::dynamodb:updateItem') } } } },
    fail: { config: inGovCloud(OPS), resources: { aws_sfn_state_machine: { m: { definition: sfnTask('arn:aws:states:::dynamodb:updateItem') } } } },
    finds: { address: 'aws_sfn_state_machine.m', problem: /names ARNs in arn:aws: but us-gov-west-1 is in aws-us-gov: they match nothing there/ },
  },
  'PCM-S3-1': {
    pass: { resources: bucketWith('aws_s3_bucket_server_side_encryption_configuration', { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'k' } }] }) },
    fail: { resources: bucketWith('aws_s3_bucket_server_side_encryption_configuration', { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] }) },
    finds: { address: 'aws_s3_bucket.b', problem: /encrypts with AES256, not a KMS key/ },
  },
  'PCM-S3-2': {
    pass: { resources: bucketWith('aws_s3_bucket_public_access_block', { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }) },
    fail: { resources: bucketWith('aws_s3_bucket_public_access_block', { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: false }) },
    finds: { address: 'aws_s3_bucket.b', problem: /leaves restrict_public_buckets off/ },
  },
  'PCM-S3-3': {
    pass: { resources: bucketWith('aws_s3_bucket_policy', { policy: policy(TLS_DENY) }) },
    fail: { resources: bucketWith('aws_s3_bucket_policy', { policy: policy({ ...TLS_DENY, Condition: { Bool: { 'aws:SecureTransport': true } } }) }) },
    finds: { address: 'aws_s3_bucket.b', problem: /no deny on aws:SecureTransport false/ },
  },
  'PCM-S3-4': {
    pass: { resources: bucketWith('aws_s3_bucket_versioning', { versioning_configuration: { status: 'Enabled' } }), config: OPS },
    fail: { resources: bucketWith('aws_s3_bucket_versioning', { versioning_configuration: { status: 'Suspended' } }), config: OPS },
    finds: { address: 'aws_s3_bucket.b', problem: /versioning is Suspended in an ops environment/ },
  },
  'PCM-S3-5': {
    pass: { resources: { aws_s3_bucket: { b: { bucket: 'x', lifecycle: { prevent_destroy: true } } } }, config: OPS },
    fail: { resources: { aws_s3_bucket: { b: { bucket: 'x', force_destroy: true } } }, config: OPS },
    finds: { address: 'aws_s3_bucket.b', problem: /no lifecycle.prevent_destroy and force_destroy is on in an ops environment/ },
  },
  'PCM-S3-6': {
    pass: { resources: bucketWith('aws_s3_bucket_ownership_controls', { rule: { object_ownership: 'BucketOwnerEnforced' } }) },
    fail: { resources: bucketWith('aws_s3_bucket_ownership_controls', { rule: { object_ownership: 'ObjectWriter' } }) },
    finds: { address: 'aws_s3_bucket.b', problem: /object ownership is ObjectWriter/ },
  },
  'PCM-KMS-1': {
    pass: { resources: { aws_kms_key: { k: { enable_key_rotation: true }, hmac: { customer_master_key_spec: 'HMAC_256' } } } },
    fail: { resources: { aws_kms_key: { k: { enable_key_rotation: false } } } },
    finds: { address: 'aws_kms_key.k', problem: /enable_key_rotation is off/ },
  },
  'PCM-SNS-1': {
    pass: { resources: { aws_sns_topic: { t: { name: 't', kms_master_key_id: ref('aws_kms_key.k', 'arn') } } } },
    fail: { resources: { aws_sns_topic: { t: { name: 't' } } } },
    finds: { address: 'aws_sns_topic.t', problem: /no kms_master_key_id/ },
  },
  'PCM-SQS-1': {
    pass: { resources: { aws_sqs_queue: { q: { name: 'q', kms_master_key_id: 'k' }, m: { name: 'm', sqs_managed_sse_enabled: true } } } },
    fail: { resources: { aws_sqs_queue: { q: { name: 'q', sqs_managed_sse_enabled: false } } } },
    finds: { address: 'aws_sqs_queue.q', problem: /neither kms_master_key_id nor sqs_managed_sse_enabled/ },
  },
  'PCM-SQS-2': {
    // The DLQ itself and a failure destination named by literal ARN in another stack both count.
    pass: {
      resources: {
        aws_sqs_queue: {
          q: { name: 'q', redrive_policy: JSON.stringify({ deadLetterTargetArn: ref('aws_sqs_queue.dlq', 'arn'), maxReceiveCount: 5 }) },
          dlq: { name: 'q-dlq' },
          failures: { name: 'pcm-ops-failed-invocations' },
        },
      },
      siblings: [{ aws_lambda_function_event_invoke_config: { c: { function_name: 'f', destination_config: { on_failure: { destination: `arn:aws:sqs:us-west-2:${FIXTURE.accounts.ops}:pcm-ops-failed-invocations` } } } } }],
    },
    fail: { resources: { aws_sqs_queue: { q: { name: 'q' }, failures: { name: 'pcm-ops-failed-invocations' } } } },
    finds: { address: 'aws_sqs_queue.failures', problem: /no redrive_policy to a dead-letter queue/ },
  },
  'PCM-KIN-1': {
    pass: { resources: { aws_kinesis_stream: { s: { name: 's', encryption_type: 'KMS', kms_key_id: 'k' } } } },
    fail: { resources: { aws_kinesis_stream: { s: { name: 's', encryption_type: 'NONE' } } } },
    finds: { address: 'aws_kinesis_stream.s', problem: /encryption_type is NONE and no kms_key_id/ },
  },
  'PCM-IAM-1': {
    pass: {
      resources: {
        aws_sns_topic_policy: { p: { arn: 't', policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sns:Publish', Resource: 't', Condition: { StringEquals: { 'aws:SourceAccount': FIXTURE.accounts.ops } } }, TLS_DENY) } },
        aws_lambda_permission: { l: { principal: 'events.amazonaws.com', function_name: 'f', source_arn: 'arn' } },
      },
    },
    fail: { resources: { aws_sns_topic_policy: { p: { arn: 't', policy: policy({ Sid: 'Open', Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'sns:Publish', Resource: 't' }) } } } },
    finds: { address: 'aws_sns_topic_policy.p', problem: /statement Open allows Principal "\*" with no condition/ },
  },
  'PCM-IAM-2': {
    pass: { resources: { aws_kms_key: { k: { enable_key_rotation: true, policy: policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FIXTURE.accounts.ops}:root` }, Action: 'kms:*', Resource: '*' }) } } } },
    fail: { resources: { aws_iam_role_policy: { p: { role: 'r', policy: policy({ Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: 'arn:aws:s3:::b/*' }) } } } },
    finds: { address: 'aws_iam_role_policy.p', problem: /statement 0 allows Action "\*"/ },
  },
  'PCM-IAM-3': {
    pass: {
      resources: {
        aws_iam_role_policy: {
          p: { role: 'r', policy: policy({ Effect: 'Allow', Action: ['cloudwatch:PutMetricData', 'ec2:DescribeInstances', 'ec2:CreateNetworkInterface'], Resource: '*' }, { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }) },
        },
      },
    },
    fail: { resources: { aws_iam_role_policy: { p: { role: 'r', policy: policy({ Sid: 'Wide', Effect: 'Allow', Action: ['ec2:DescribeInstances', 's3:GetObject'], Resource: '*' }) } } } },
    finds: { address: 'aws_iam_role_policy.p', problem: /statement Wide allows s3:GetObject on Resource "\*"/ },
  },
  'PCM-EC2-1': {
    pass: { resources: { aws_vpc_security_group_ingress_rule: { r: { security_group_id: 'sg', cidr_ipv4: OPS.network.operatorCidrs[0], from_port: 443, to_port: 443, ip_protocol: 'tcp' } } }, config: OPS },
    fail: { resources: { aws_security_group: { g: { name: 'g', ingress: [{ cidr_blocks: ['0.0.0.0/0'], from_port: 22, to_port: 22, protocol: 'tcp' }] } } }, config: OPS },
    finds: { address: 'aws_security_group.g', problem: /admits 0\.0\.0\.0\/0, which network.operatorCidrs does not list/ },
  },
  'PCM-EC2-2': {
    pass: { resources: { aws_instance: { i: { root_block_device: { encrypted: true } } }, aws_launch_template: { t: { block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true' } }] } } } },
    fail: { resources: { aws_launch_template: { t: { block_device_mappings: [{ device_name: '/dev/xvdb', ebs: { encrypted: 'false' } }] } } } },
    finds: { address: 'aws_launch_template.t', problem: /volume \/dev\/xvdb not encrypted/ },
  },
  'PCM-EC2-3': {
    pass: { resources: { aws_launch_template: { t: { metadata_options: { http_tokens: 'required' } } } } },
    fail: { resources: { aws_instance: { i: { '//': { metadata: { path: 'ops-compute/mozart/instance' } }, metadata_options: { http_tokens: 'optional' } } } }, config: OPS },
    finds: { address: 'aws_instance.i', problem: /http_tokens is not "required"/ },
  },
  'PCM-EC2-4': {
    pass: { resources: { aws_instance: { i: { '//': { metadata: { path: 'ops-compute/mozart/instance' } }, metadata_options: { http_tokens: 'required' } } } }, config: OPS },
    fail: {
      resources: { aws_instance: { i: { '//': { metadata: { path: 'ops-compute/mozart/instance' } }, metadata_options: { http_tokens: 'optional' } } } },
      config: { ...OPS, core: { ...OPS.core, mozart: { ...OPS.core.mozart, allowImdsV1: true } } },
    },
    finds: { address: 'aws_instance.i', problem: /answers IMDSv1 because core.mozart.allowImdsV1 is true/ },
  },
  'PCM-LOG-1': {
    pass: { resources: { aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 30 } } } },
    fail: { resources: { aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 0 } } } },
    finds: { address: 'aws_cloudwatch_log_group.g', problem: /no retention_in_days/ },
  },
  'PCM-LOG-2': {
    pass: { resources: { aws_lambda_function: { f: { function_name: 'fn' } }, aws_cloudwatch_log_group: { g: { name: '/aws/lambda/fn', retention_in_days: 30 } } } },
    fail: { resources: { aws_lambda_function: { f: { function_name: 'fn' } }, aws_cloudwatch_log_group: { g: { name: '/aws/lambda/other', retention_in_days: 30 } } } },
    finds: { address: 'aws_lambda_function.f', problem: /no log group \/aws\/lambda\/fn in the stack/ },
  },
  'PCM-LAM-1': {
    pass: {
      resources: {
        aws_lambda_function: { f: { function_name: 'fn' }, polled: { function_name: 'polled' } },
        aws_lambda_permission: { p: { principal: 'events.amazonaws.com', function_name: ref('aws_lambda_function.f', 'function_name'), source_arn: 'a' } },
        aws_lambda_function_event_invoke_config: { c: { function_name: ref('aws_lambda_function.f', 'function_name'), destination_config: { on_failure: { destination: 'arn:aws:sqs:us-west-2:1:q' } } } },
        aws_lambda_event_source_mapping: { m: { function_name: ref('aws_lambda_function.polled', 'arn'), event_source_arn: 'q' } },
      },
    },
    fail: {
      resources: {
        aws_lambda_function: { f: { function_name: 'fn' } },
        aws_cloudwatch_event_target: { t: { rule: 'r', arn: ref('aws_lambda_function.f', 'arn') } },
      },
    },
    finds: { address: 'aws_lambda_function.f', problem: /invoked asynchronously with no dead_letter_config or on-failure destination/ },
  },
  'PCM-TAG-1': {
    pass: { resources: { aws_sqs_queue: { q: { name: 'q' } }, aws_s3_bucket_policy: { p: { bucket: 'b', policy: '{}' } } }, config: DEV, extra: PROVIDER_TAGS(DEV) },
    fail: { resources: { aws_sqs_queue: { q: { name: 'q', tags: { environment: 'ops' } } } }, config: DEV, extra: PROVIDER_TAGS(DEV) },
    finds: { address: 'aws_sqs_queue.q', problem: /lacks environment=dev$/ },
  },
  'PCM-TAG-2': {
    pass: {
      resources: {
        aws_launch_template: {
          t: { tag_specifications: ['instance', 'volume'].map((resource_type) => ({ resource_type, tags: { project: 'pcm', environment: 'dev', kind: 'dev', 'managed-by': 'pcm-deploy' } })) },
        },
        aws_autoscaling_group: { g: { tag: Object.entries({ project: 'pcm', environment: 'dev', kind: 'dev', 'managed-by': 'pcm-deploy' }).map(([key, value]) => ({ key, value, propagate_at_launch: true })) } },
      },
      config: DEV,
      extra: PROVIDER_TAGS(DEV),
    },
    fail: {
      resources: { aws_launch_template: { t: { tag_specifications: [{ resource_type: 'instance', tags: { project: 'pcm', environment: 'dev', kind: 'dev', 'managed-by': 'pcm-deploy' } }] } } },
      config: DEV,
      extra: PROVIDER_TAGS(DEV),
    },
    finds: { address: 'aws_launch_template.t', problem: /the volumes it launches lack project=pcm, environment=dev, kind=dev, managed-by=pcm-deploy/ },
  },
  'PCM-SEC-1': {
    pass: { resources: { aws_instance: { i: { user_data: 'RABBITMQ_PASSWORD_PARAMETER=/pcm/rabbitmq\nexport TOKEN_FILE=${path}' } } }, extra: { output: { url: { value: 'https://10.0.0.1/hysds_ui/' } } } },
    fail: { resources: {}, extra: { output: { creds: { value: 'https://ops:hunter2-secret@10.0.0.1/' } } } },
    finds: { address: 'output.creds', problem: /^value holds what looks like a password in a URL$/ },
  },
  // ---- Real AWS versus the emulator (issue 11) ----
  'PCM-LAM-2': {
    pass: { resources: { aws_lambda_function: { f: { function_name: 'fn', runtime: 'nodejs22.x' } } } },
    fail: { resources: { aws_lambda_function: { f: { function_name: 'fn', runtime: 'nodejs20.x' } } } },
    finds: { address: 'aws_lambda_function.f', problem: /runtime nodejs20.x: AWS refuses to create functions on it since 2026-08-31/ },
  },
  'PCM-KMS-2': {
    // The compute stack finds the data stack's key through its alias, as the real stacks do.
    pass: {
      resources: LAUNCHER,
      data: { aws_kms_alias: { environment_key: { name: 'alias/pcm-dev' } } },
      siblings: [KEY_WITH(LAUNCH_STATEMENTS)],
    },
    fail: {
      resources: LAUNCHER,
      data: { aws_kms_alias: { environment_key: { name: 'alias/pcm-dev' } } },
      siblings: [KEY_WITH([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FIXTURE.accounts.dev}:root` }, Action: 'kms:*', Resource: '*' }])],
    },
    finds: { address: 'aws_autoscaling_group.g', problem: new RegExp(`whose policy does not let arn:aws:iam::${FIXTURE.accounts.dev}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling kms:GenerateDataKeyWithoutPlaintext, kms:Decrypt, kms:CreateGrant`) },
  },
  'PCM-IAM-4': {
    pass: {
      resources: {
        aws_sns_topic_policy: {
          p: { arn: 't', policy: policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FIXTURE.accounts.daac}:root` }, Action: 'sns:Publish', Resource: 't', Condition: { ArnLike: { 'aws:PrincipalArn': [FIXTURE.daacPublisher] } } }) },
        },
      },
      config: OPS,
    },
    fail: {
      resources: { aws_kms_key: { k: { enable_key_rotation: true, policy: policy({ Sid: 'Daac', Effect: 'Allow', Principal: { AWS: [FIXTURE.daacPublisher] }, Action: 'kms:Decrypt', Resource: '*' }) } } },
      config: OPS,
    },
    finds: { address: 'aws_kms_key.k', problem: new RegExp(`statement Daac names ${FIXTURE.daacPublisher} as Principal; name account ${FIXTURE.accounts.daac} with an aws:PrincipalArn condition`) },
  },
  'PCM-LAM-3': {
    pass: { resources: { aws_lambda_function: { f: { function_name: 'pcm-ops-cnes-batcher', reserved_concurrent_executions: 1 }, g: { function_name: 'pcm-ops-staging-submit' } } }, config: OPS },
    fail: { resources: { aws_lambda_function: { f: { function_name: 'pcm-ops-staging-submit', reserved_concurrent_executions: 5 } } }, config: OPS },
    finds: { address: 'aws_lambda_function.f', problem: /reserves 5 concurrent executions that the deploy guard does not check/ },
  },
  'PCM-EC2-5': {
    pass: { resources: { aws_security_group: { g: { name_prefix: 'pcm-dev-cluster-', lifecycle: { create_before_destroy: true } }, h: { name: 'pcm-dev-lambdas' } } } },
    fail: { resources: { aws_security_group: { g: { name: 'pcm-dev-cluster', lifecycle: { create_before_destroy: true } } } } },
    finds: { address: 'aws_security_group.g', problem: /create_before_destroy with a fixed name/ },
  },
  'PCM-MSG-1': {
    pass: {
      resources: {
        aws_sns_topic: { t: { name: 't' } },
        aws_sns_topic_policy: { p: { arn: ref('aws_sns_topic.t', 'arn'), policy: policy({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: 't', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) } },
        aws_sqs_queue: { q: { name: 'q', policy: policy({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: 'q', Condition: { Bool: { 'aws:SecureTransport': false } } }) } },
      },
    },
    fail: {
      resources: {
        aws_sqs_queue: { q: { name: 'q' } },
        aws_sqs_queue_policy: { p: { queue_url: ref('aws_sqs_queue.q', 'url'), policy: policy({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: 'q' }) } },
      },
    },
    finds: { address: 'aws_sqs_queue.q', problem: /policy has no deny of sqs:SendMessage on aws:SecureTransport false/ },
  },
  'PCM-IAM-5': {
    pass: {
      resources: {
        aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' }, b: { role: 'r', policy_arn: ref('aws_iam_policy.own', 'arn') } },
        aws_iam_policy: { own: { policy: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }) } },
      },
    },
    fail: { resources: { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' } } } },
    finds: { address: 'aws_iam_role_policy_attachment.a', problem: /attaches the AWS-managed policy AmazonSSMManagedInstanceCore, which is not on the allow-list/ },
  },
  'PCM-BAT-1': {
    pass: {
      resources: {
        aws_batch_job_definition: { d: { type: 'container', container_properties: JSON.stringify({ image: 'i', jobRoleArn: ref('aws_iam_role.job', 'arn') }) } },
        aws_launch_template: { t: { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 } } },
        aws_batch_compute_environment: { ce: { compute_resources: { launch_template: { launch_template_id: ref('aws_launch_template.t') } } } },
      },
    },
    fail: {
      resources: {
        aws_batch_job_definition: { d: { type: 'container', container_properties: JSON.stringify({ image: 'i' }) } },
        aws_launch_template: { t: { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 2 } } },
        aws_batch_compute_environment: { ce: { compute_resources: { launch_template: { launch_template_id: ref('aws_launch_template.t') } } } },
      },
    },
    finds: { address: 'aws_batch_job_definition.d', problem: /no jobRoleArn: its containers act as the host role/ },
  },
  'PCM-S3-7': {
    // OPS's dataset bucket: forward writes products/ (no delete), CNES deletes the CNM-S it read.
    pass: {
      resources: {
        aws_s3_bucket_policy: {
          p: {
            bucket: 'b',
            policy: policy(
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FIXTURE.accounts.forward}:root` }, Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::pcm-ops-dataset-${FIXTURE.accounts.ops}/products/*` },
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FIXTURE.accounts.cnes}:root` }, Action: ['s3:GetObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::pcm-ops-messages-${FIXTURE.accounts.ops}/cnm-s/*` },
            ),
          },
        },
      },
      config: OPS,
    },
    fail: {
      resources: {
        aws_s3_bucket_policy: {
          p: { bucket: 'b', policy: policy({ Sid: 'Forward', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FIXTURE.accounts.forward}:root` }, Action: ['s3:GetObject', 's3:Delete*'], Resource: `arn:aws:s3:::pcm-ops-dataset-${FIXTURE.accounts.ops}/products/*` }) },
        },
      },
      config: OPS,
    },
    finds: { address: 'aws_s3_bucket_policy.p', problem: new RegExp(`statement Forward lets account ${FIXTURE.accounts.forward} delete in arn:aws:s3:::pcm-ops-dataset-${FIXTURE.accounts.ops}/products/\\*, which no read-write-delete grant declares`) },
  },
  'PCM-S3-8': {
    pass: { resources: { aws_s3_object: { o: { bucket: 'b', key: 'k/', tags: { Name: 'x' } } } }, extra: PROVIDER_TAGS(DEV) },
    fail: { resources: { aws_s3_object: { o: { bucket: 'b', key: 'k/', tags: Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`t${i}`, 'v'])) } } }, extra: PROVIDER_TAGS(DEV) },
    finds: { address: 'aws_s3_object.o', problem: /carries 11 tags with the provider's default tags; S3 allows 10/ },
  },
  'PCM-S3-9': {
    pass: {
      resources: {
        aws_s3_bucket: { b: { bucket: 'data' }, logs: { bucket: 'logs' } },
        aws_s3_bucket_logging: { l: { bucket: ref('aws_s3_bucket.b'), target_bucket: ref('aws_s3_bucket.logs'), target_prefix: 'data/' } },
      },
    },
    fail: {
      resources: {
        aws_s3_bucket: { b: { bucket: 'data' }, other: { bucket: 'other' }, logs: { bucket: 'logs' } },
        aws_s3_bucket_logging: { l: { bucket: ref('aws_s3_bucket.b'), target_bucket: 'logs', target_prefix: 'data/' } },
      },
    },
    finds: { address: 'aws_s3_bucket.other', problem: /no aws_s3_bucket_logging: requests to it leave no record/ },
  },
  'PCM-TLS-1': {
    pass: { resources: { aws_lambda_function: { f: { function_name: 'fn', environment: { variables: { MOZART_URL: 'https://m', MOZART_CA_PEM: '-----BEGIN CERTIFICATE-----' } } } } }, config: OPS },
    fail: { resources: { aws_lambda_function: { f: { function_name: 'fn', environment: { variables: { MOZART_URL: 'https://m', MOZART_TLS_INSECURE: 'true' } } } } }, config: DEV },
    finds: { address: 'aws_lambda_function.f', problem: new RegExp(`does not verify mozart's certificate \\(tls.mozart.verify false: ${FIXTURE.mozartUnverifiedReason('dev')}\\)`) },
  },
  // (PCM-TLS-1 on operator URLs: see 'reports plain-HTTP operator URLs' below.)
  'PCM-ALR-1': {
    pass: {
      resources: { aws_sns_topic: { alerts: { name: 'pcm-ops-alerts' } }, aws_sns_topic_subscription: { s: { topic_arn: ref('aws_sns_topic.alerts', 'arn'), protocol: 'email', endpoint: 'a@example.org' } } },
      config: OPS,
    },
    fail: { resources: { aws_sns_topic: { alerts: { name: 'pcm-dev-alerts' } } }, config: DEV },
    finds: { address: 'aws_sns_topic.alerts', problem: /nobody is subscribed/ },
  },
  'PCM-LAM-4': {
    pass: { resources: { aws_lambda_event_source_mapping: { m: { event_source_arn: 'arn:aws:sqs:us-west-2:1:q', function_name: 'f', scaling_config: { maximum_concurrency: 5 } }, k: { event_source_arn: 'arn:aws:kinesis:us-west-2:1:stream/s', function_name: 'f' } } } },
    fail: { resources: { aws_lambda_event_source_mapping: { m: { event_source_arn: 'arn:aws:sqs:us-west-2:1:q', function_name: 'f' } } } },
    finds: { address: 'aws_lambda_event_source_mapping.m', problem: /no scaling_config.maximum_concurrency/ },
  },
};

function run(ruleId: string, fixture: Fixture) {
  const rule = RULES.find((r) => r.id === ruleId)!;
  const stack = new StackView('x-compute', { resource: fixture.resources, ...(fixture.data ? { data: fixture.data } : {}), ...(fixture.extra ?? {}) });
  const siblings = (fixture.siblings ?? []).map((resources, i) => new StackView(`sibling-${i}`, { resource: resources }));
  // A fixed day, so date-bound rules (runtime deprecations) give the same answer every day.
  const peers = environments.map((e) => e.config);
  return rule.check({ stack, environment: [stack, ...siblings], config: fixture.config ?? DEV, peers, today: '2026-11-30' }).map((v) => ({ address: v.resource.address, problem: v.problem }));
}

describe('the rule pack', () => {
  it('has a failing and a passing fixture for every rule, and ids that are unique', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  it('gives every rule a level, a one-line control, a rationale and a fix', () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^PCM-[A-Z0-9]+-\d+$/);
      expect(['error', 'warning']).toContain(rule.level);
      for (const text of [rule.info, rule.explanation, rule.fix]) expect(text.length).toBeGreaterThan(20);
    }
  });

  describe.each(Object.entries(CASES))('%s', (id, c) => {
    it('passes the compliant fixture', () => {
      expect(run(id, c.pass)).toEqual([]);
    });
    it('fails the fixture that breaks it, naming the resource', () => {
      expect(run(id, c.fail)).toContainEqual({ address: c.finds.address, problem: expect.stringMatching(c.finds.problem) });
    });
  });

  it('fails a policy it cannot read rather than passing it (PCM-IAM-1, -2, -3)', () => {
    const unreadable: Fixture = { resources: { aws_iam_role_policy: { p: { role: 'r', policy: '${data.aws_iam_policy_document.d.json}' } } } };
    for (const id of ['PCM-IAM-1', 'PCM-IAM-2', 'PCM-IAM-3', 'PCM-S3-7']) expect(run(id, unreadable)).toEqual([{ address: 'aws_iam_role_policy.p', problem: expect.stringMatching(/policy cannot be read: not literal JSON/) }]);
  });

  it('fails a resource or key policy it cannot read (PCM-IAM-4, PCM-MSG-1, PCM-KMS-2, PCM-BAT-1, PCM-IAM-5)', () => {
    const opaque = '${data.aws_iam_policy_document.d.json}';
    expect(run('PCM-IAM-4', { resources: { aws_sns_topic_policy: { p: { arn: 't', policy: opaque } } } })).toEqual([
      { address: 'aws_sns_topic_policy.p', problem: expect.stringMatching(/policy cannot be read: not literal JSON/) },
    ]);
    expect(run('PCM-MSG-1', { resources: { aws_sns_topic: { t: { name: 't' } }, aws_sns_topic_policy: { p: { arn: ref('aws_sns_topic.t', 'arn'), policy: opaque } } } })).toEqual([
      { address: 'aws_sns_topic.t', problem: expect.stringMatching(/the policy of aws_sns_topic_policy.p cannot be read/) },
    ]);
    expect(run('PCM-KMS-2', { resources: LAUNCHER, data: { aws_kms_alias: { environment_key: { name: 'alias/pcm-dev' } } }, siblings: [{ ...KEY_WITH([]), aws_kms_key: { k: { policy: opaque } } }] })).toEqual([
      { address: 'aws_autoscaling_group.g', problem: expect.stringMatching(/the policy of aws_kms_key.k cannot be read/) },
    ]);
    expect(run('PCM-KMS-2', { resources: LAUNCHER })).toEqual([{ address: 'aws_autoscaling_group.g', problem: expect.stringMatching(/a key the check cannot find/) }]);
    expect(run('PCM-BAT-1', { resources: { aws_batch_job_definition: { d: { type: 'container', container_properties: '${jsonencode(local.c)}' } } } })).toEqual([
      { address: 'aws_batch_job_definition.d', problem: expect.stringMatching(/container_properties cannot be read/) },
    ]);
    expect(run('PCM-IAM-5', { resources: { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: `arn:aws:iam::${FIXTURE.accounts.ops}:policy/someone-elses` } } } })).toEqual([
      { address: 'aws_iam_role_policy_attachment.a', problem: expect.stringMatching(/a policy the check cannot read/) },
    ]);
  });

  it("reports plain-HTTP operator URLs with tls.jenkins's reason, and passes HTTPS ones (PCM-TLS-1)", () => {
    const INT = configOf('int');
    const urls = (jenkins: string) => ({ output: { url_hysds_ui: { value: 'https://10.0.0.1/hysds_ui/' }, url_jenkins: { value: jenkins } } });
    expect(run('PCM-TLS-1', { resources: {}, config: INT, extra: urls('https://10.0.0.5:8443/') })).toEqual([]);
    expect(run('PCM-TLS-1', { resources: {}, config: INT, extra: urls('http://10.0.0.5:8080/') })).toEqual([
      { address: 'output.url_jenkins', problem: `http://10.0.0.5:8080/ is plain HTTP (tls.jenkins.plainHttp: ${FIXTURE.jenkinsPlainHttpReason})` },
    ]);
    expect(run('PCM-TLS-1', { resources: {}, config: OPS, extra: urls('http://10.0.0.5:8080/') })).toEqual([
      { address: 'output.url_jenkins', problem: 'http://10.0.0.5:8080/ is plain HTTP, and tls.jenkins names no reason' },
    ]);
  });

  it('lets only a server access log target use S3-managed keys (PCM-S3-1)', () => {
    const logged = (extra: Resources): Fixture => ({
      resources: {
        aws_s3_bucket: { logs: { bucket: 'logs' } },
        aws_s3_bucket_server_side_encryption_configuration: { e: { bucket: ref('aws_s3_bucket.logs'), rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] } },
        ...extra,
      },
    });
    expect(run('PCM-S3-1', logged({ aws_s3_bucket_logging: { l: { bucket: 'data', target_bucket: ref('aws_s3_bucket.logs') } } }))).toEqual([]);
    expect(run('PCM-S3-1', logged({}))).toEqual([{ address: 'aws_s3_bucket.logs', problem: 'encrypts with AES256, not a KMS key' }]);
  });

  it('finds an access key id, a private key and a literal password attribute (PCM-SEC-1), never echoing them', () => {
    const found = run('PCM-SEC-1', {
      resources: {
        aws_instance: { i: { user_data: Buffer.from('export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n').toString('base64') } },
        aws_db_instance: { d: { password: 'correct-horse-battery' } },
        aws_secretsmanager_secret_version: { s: { secret_string: '-----BEGIN RSA PRIVATE KEY-----\nMIIE' } },
      },
      extra: { provider: { aws: [{ region: 'us-west-2' }] } },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        { address: 'aws_instance.i', problem: 'user_data (decoded) holds what looks like an AWS access key id' },
        { address: 'aws_db_instance.d', problem: 'password holds a literal secret' },
        { address: 'aws_secretsmanager_secret_version.s', problem: 'secret_string holds what looks like a private key' },
      ]),
    );
    expect(JSON.stringify(found)).not.toMatch(/AKIAIOSFODNN7EXAMPLE|correct-horse/);
  });
});
