/**
 * The rule pack: every control `npm run check` applies, as data. Ids are a contract (suppressions
 * in environment files name them): never renumber, retire an id instead.
 */
import type { Rule } from './rule';
import { ec2EbsEncryption } from './rules/ec2-ebs-encryption';
import { ec2ImdsOptOut } from './rules/ec2-imds-opt-out';
import { ec2ImdsV2 } from './rules/ec2-imds-v2';
import { ec2OpenIngress } from './rules/ec2-open-ingress';
import { hysdsBootstrap } from './rules/hysds-bootstrap';
import { hysdsHarikiriConsumer } from './rules/hysds-harikiri-consumer';
import { hysdsImdsReadiness } from './rules/hysds-imds-readiness';
import { hysdsProvisioning } from './rules/hysds-provisioning';
import { hysdsScaleFromZero } from './rules/hysds-scale-from-zero';
import { hysdsUserDataChannel } from './rules/hysds-user-data-channel';
import { iamWildcardAction } from './rules/iam-wildcard-action';
import { iamWildcardPrincipal } from './rules/iam-wildcard-principal';
import { iamWildcardResource } from './rules/iam-wildcard-resource';
import { kinesisEncryption } from './rules/kinesis-encryption';
import { kmsRotation } from './rules/kms-rotation';
import { lambdaAsyncFailures } from './rules/lambda-async-failures';
import { lambdaLogGroup } from './rules/lambda-log-group';
import { launchedTags } from './rules/launched-tags';
import { logRetention } from './rules/log-retention';
import { noSecrets } from './rules/no-secrets';
import { requiredTagsRule } from './rules/required-tags';
import { s3Encryption } from './rules/s3-encryption';
import { s3OwnerEnforced } from './rules/s3-owner-enforced';
import { s3PreventDestroy } from './rules/s3-prevent-destroy';
import { s3PublicAccessBlock } from './rules/s3-public-access-block';
import { s3TlsOnly } from './rules/s3-tls-only';
import { s3Versioning } from './rules/s3-versioning';
import { snsEncryption } from './rules/sns-encryption';
import { sqsDeadLetter } from './rules/sqs-dead-letter';
import { sqsEncryption } from './rules/sqs-encryption';
import { dynamodbEncryption } from './rules/dynamodb-encryption';
import { sfnEncryption } from './rules/sfn-encryption';
import { sfnLogging } from './rules/sfn-logging';

export const RULES: readonly Rule[] = [
  {
    id: 'PCM-S3-1',
    level: 'error',
    info: 'S3 buckets encrypt objects with a KMS key by default.',
    explanation: "Objects at rest stay unreadable without the environment key, whose policy says who may decrypt; S3-managed keys leave that to bucket access alone.",
    fix: 'Give the bucket an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms" and the environment key (SecureBucket does).',
    check: s3Encryption,
  },
  {
    id: 'PCM-S3-2',
    level: 'error',
    info: 'S3 buckets block public ACLs and public policies.',
    explanation: 'One public ACL or policy, by mistake or from a partner tool, exposes science data to the internet.',
    fix: 'Give the bucket an aws_s3_bucket_public_access_block with all four settings true (SecureBucket does).',
    check: s3PublicAccessBlock,
  },
  {
    id: 'PCM-S3-3',
    level: 'error',
    info: 'S3 bucket policies deny requests without TLS.',
    explanation: 'Cross-account partners (the DAAC, CNES) reach the buckets over the internet; plain HTTP would carry data and signed requests in clear.',
    fix: 'Put a Deny of s3:* for Principal "*" when aws:SecureTransport is false first in the bucket policy (SecureBucket does).',
    check: s3TlsOnly,
  },
  {
    id: 'PCM-S3-4',
    level: 'error',
    info: 'S3 buckets of ops-like environments are versioned.',
    explanation: 'Operations data is the mission record: an overwrite or delete by a job, an operator or a partner must be recoverable.',
    fix: 'Set protection.deletionProtection: true in the environment file (SecureBucket then enables versioning).',
    check: s3Versioning,
  },
  {
    id: 'PCM-S3-5',
    level: 'error',
    info: 'S3 buckets of ops-like environments cannot be destroyed by a plan.',
    explanation: 'A renamed construct or a mistaken destroy would otherwise delete the bucket, and force_destroy its objects with it.',
    fix: 'Set protection.deletionProtection: true in the environment file (lifecycle.prevent_destroy, no force_destroy).',
    check: s3PreventDestroy,
  },
  {
    id: 'PCM-S3-6',
    level: 'error',
    info: 'S3 buckets own every object in them (ACLs disabled).',
    explanation: 'Partners write into shared buckets; with ACLs they could own objects the bucket owner cannot read, share or delete.',
    fix: 'Give the bucket an aws_s3_bucket_ownership_controls with object_ownership "BucketOwnerEnforced" (SecureBucket does).',
    check: s3OwnerEnforced,
  },
  {
    id: 'PCM-KMS-1',
    level: 'error',
    info: 'KMS keys rotate their key material yearly.',
    explanation: 'Rotation limits how much data one key version protects; AWS keeps old versions, so nothing needs re-encrypting.',
    fix: 'Set enable_key_rotation = true on the aws_kms_key (EnvironmentKey does).',
    check: kmsRotation,
  },
  {
    id: 'PCM-SNS-1',
    level: 'error',
    info: 'SNS topics encrypt messages at rest with a KMS key.',
    explanation: 'CNM messages name every product and where it lies; the key policy decides who can read them.',
    fix: 'Set kms_master_key_id on the aws_sns_topic to the environment key (EncryptedTopic does).',
    check: snsEncryption,
  },
  {
    id: 'PCM-SQS-1',
    level: 'error',
    info: 'SQS queues encrypt messages at rest.',
    explanation: 'Queued messages carry the same CNM and job content as the topics that feed them.',
    fix: 'Set kms_master_key_id on the aws_sqs_queue (MessageQueue does), or at least sqs_managed_sse_enabled.',
    check: sqsEncryption,
  },
  {
    id: 'PCM-SQS-2',
    level: 'error',
    info: 'SQS queues hand messages that keep failing to a dead-letter queue.',
    explanation: 'Without one, a message that always fails is retried until retention deletes it: a product or a CNM response lost with no alarm.',
    fix: 'Give the queue a redrive_policy to a dead-letter queue with an alarm on its depth (MessageQueue does); dead-letter queues themselves are recognised.',
    check: sqsDeadLetter,
  },
  {
    id: 'PCM-KIN-1',
    level: 'error',
    info: 'Kinesis streams encrypt records with a KMS key.',
    explanation: 'The CNM-S stream carries every product notification to the DAAC.',
    fix: 'Set encryption_type = "KMS" and kms_key_id on the aws_kinesis_stream (CnmStandInStream does).',
    check: kinesisEncryption,
  },
  {
    id: 'PCM-IAM-1',
    level: 'error',
    info: 'No policy allows Principal "*" without a condition that narrows it.',
    explanation: 'An Allow for everyone opens the resource to every AWS account in the world.',
    fix: 'Name the account, role or service principal; or add a condition (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID).',
    check: iamWildcardPrincipal,
  },
  {
    id: 'PCM-IAM-2',
    level: 'error',
    info: 'No policy allows Action "*" or NotAction.',
    explanation: 'Every action of every service is administrator access, present and future.',
    fix: 'List the actions the role calls (see modules/policy.ts and modules/storage-grants.ts).',
    check: iamWildcardAction,
  },
  {
    id: 'PCM-IAM-3',
    level: 'error',
    info: 'Identity policies use Resource "*" only for actions that take no resource.',
    explanation: 'A scoped resource keeps a compromised instance or function from reaching other environments and accounts.',
    fix: 'Name the ARNs (naming module helpers); only describe calls, metric publishing and Lambda VPC network interfaces may use "*".',
    check: iamWildcardResource,
  },
  {
    id: 'PCM-EC2-1',
    level: 'error',
    info: 'Security groups admit address ranges only from network.operatorCidrs.',
    explanation: 'The HySDS interfaces (RabbitMQ, Elasticsearch, the APIs) were not built to face the internet.',
    fix: 'Admit other security groups, or add the range to network.operatorCidrs in the environment file.',
    check: ec2OpenIngress,
  },
  {
    id: 'PCM-EC2-2',
    level: 'error',
    info: 'Every EBS volume is encrypted, explicitly.',
    explanation: "Instance and worker volumes hold products and credentials in flight; left implicit, encryption depends on an account setting the kit does not own.",
    fix: 'Set encrypted = true (and kms_key_id) on root and data volumes and on every launch-template block device mapping.',
    check: ec2EbsEncryption,
  },
  {
    id: 'PCM-EC2-3',
    level: 'error',
    info: 'Instances and launch templates require IMDSv2 wherever their image is ready for it.',
    explanation: 'IMDSv1 answers any request that reaches it, so one server-side request forgery hands out the instance role credentials. Where the AMI catalog says an image works with IMDSv2 only, nothing justifies leaving v1 on.',
    fix: 'Let the kit derive metadata_options.http_tokens from the image (it requires tokens where the catalog says imds.v2Only), or opt out with core.<component>.allowImdsV1 and a reason.',
    check: ec2ImdsV2,
  },
  {
    id: 'PCM-EC2-4',
    level: 'warning',
    info: 'An instance answers IMDSv1 because its image is not ready for IMDSv2 only, or by the documented opt-out.',
    explanation: "Stock HySDS scripts call IMDS without a token (hysds/hysds PR #220), so v1 stays on for their images; it still reopens the credential-theft path IMDSv2 closes.",
    fix: 'Build the image with a HySDS whose scripts use IMDSv2 tokens, set imds.v2Only in amis/catalog.yaml, and remove any core.<component>.allowImdsV1.',
    check: ec2ImdsOptOut,
  },
  {
    id: 'PCM-LOG-1',
    level: 'error',
    info: 'Log groups have a retention period.',
    explanation: 'Logs kept forever cost more every month and keep whatever they captured forever.',
    fix: 'Set retention_in_days on the aws_cloudwatch_log_group (BundledFunction sets 365 days in ops-like kinds, 30 otherwise).',
    check: logRetention,
  },
  {
    id: 'PCM-LOG-2',
    level: 'error',
    info: "Every Lambda function's log group is declared in the stack.",
    explanation: 'Otherwise Lambda creates it on first run: unencrypted, without retention, and unknown to Terraform.',
    fix: 'Declare /aws/lambda/<function name> as an aws_cloudwatch_log_group with retention and the environment key (BundledFunction does).',
    check: lambdaLogGroup,
  },
  {
    id: 'PCM-LAM-1',
    level: 'error',
    info: 'Asynchronously invoked Lambda functions send failed events somewhere.',
    explanation: 'A schedule, S3 or SNS retries a failing function twice and then drops the event without a trace.',
    fix: 'Add an aws_lambda_function_event_invoke_config with an on-failure destination (BundledFunction does for schedules), or a dead_letter_config.',
    check: lambdaAsyncFailures,
  },
  {
    id: 'PCM-TAG-1',
    level: 'error',
    info: 'Every taggable resource carries the required tags.',
    explanation: 'Cost reports, the adt expiry sweep and the operators find resources by project, environment, kind and managed-by.',
    fix: "Keep the provider's default_tags (EnvironmentStack sets them) and do not override those keys on a resource.",
    check: requiredTagsRule,
  },
  {
    id: 'PCM-TAG-2',
    level: 'error',
    info: 'Autoscaling groups and what launch templates launch carry the required tags.',
    explanation: "The provider's default_tags reach neither; untagged workers are invisible to cost reports and to the adt expiry sweep.",
    fix: 'Write the required tags into the launch template tag_specifications (instance and volume) and the group tags (WorkerFleet and BatchEnvironment do).',
    check: launchedTags,
  },
  {
    id: 'PCM-SEC-1',
    level: 'error',
    info: 'Nothing in the synthesized configuration looks like a secret.',
    explanation: 'Synthesized JSON is written to disk, copied into Terraform state and shown in plans and CI logs.',
    fix: 'Keep secrets in Secrets Manager or SSM Parameter Store and read them at run time; pass names, not values.',
    check: noSecrets,
  },
  // ---- HySDS at run time (DESIGN.md): what stock HySDS code needs of the infrastructure ------
  {
    id: 'PCM-HYS-1',
    level: 'error',
    info: "Each worker's user data holds exactly one BUNDLE_URL=s3://<code bucket>/<queue>-<VENUE>.tbz2 line.",
    explanation: "The verdi bootstrap reads `grep BUNDLE_URL | cut -d= -f 2` of the user data and fetches that bundle; quotes, a second line or trailing text make it fetch nothing, and no worker joins.",
    fix: "Render worker user data with renderWorkerUserData (modules/cluster-config.ts).",
    check: hysdsBootstrap,
  },
  {
    id: 'PCM-HYS-2',
    level: 'error',
    info: '<VENUE>-queue, where idle workers announce themselves, has a consumer.',
    explanation: 'harikiri_sqs.py sends the instance id and powers off; it never leaves its group, so without a consumer calling TerminateInstanceInAutoScalingGroup the group replaces every idle worker forever.',
    fix: 'Feed the queue to the harikiri Lambda (compute stack) with an event source mapping.',
    check: hysdsHarikiriConsumer,
  },
  {
    id: 'PCM-HYS-3',
    level: 'error',
    info: 'Mozart may SetDesiredCapacity on every worker group, and target tracking names the dimensions HySDS publishes.',
    explanation: 'sync_ec2_target_tracking_metric.py sets a group at 0 to the waiting jobs (denied, it publishes nothing) and publishes JobsWaitingPerInstance with AutoScalingGroupName and Queue; a policy with other dimensions never sees the metric.',
    fix: "Give mozart's role scaleFromZeroStatements and let WorkerFleet write the scaling policy.",
    check: hysdsScaleFromZero,
  },
  {
    id: 'PCM-HYS-4',
    level: 'error',
    info: 'User data stays under 16 KB and carries no cluster config or credentials.',
    explanation: 'cloud-init runs user data at first boot only, a change stops and starts the instance, and EC2 refuses more than 16 KB (about 68 queues of cluster config).',
    fix: 'Deliver ~/.sds/config and credentials through provisioning (HysdsProvisioning); keep user data static.',
    check: hysdsUserDataChannel,
  },
  {
    id: 'PCM-HYS-5',
    level: 'error',
    info: "IMDS tokens are not required on an image whose HySDS cannot use them.",
    explanation: 'The verdi bootstrap, harikiri_sqs.py and spot_termination_detector.py call IMDS without a token: with tokens required they get 401 and fail quietly.',
    fix: 'Let the kit derive http_tokens from the AMI catalog (imds.v2Only), or mark the image ready there once its HySDS is.',
    check: hysdsImdsReadiness,
  },
  {
    id: 'PCM-HYS-6',
    level: 'error',
    info: 'A State Manager association provisions HySDS on mozart.',
    explanation: 'No HySDS image starts the cluster by itself: something must write the config and run sds update, start, ship and pkg import. The emulator cannot create associations; this rule holds the real-AWS form.',
    fix: 'Let HysdsProvisioning create its association (compute stack).',
    check: hysdsProvisioning,
  },
  // ---- Campaigns (issue 13) ----
  {
    id: 'PCM-SFN-1',
    level: 'error',
    info: 'A state machine logs to a KMS-encrypted log group of the stack.',
    explanation: 'A failed campaign pass is diagnosed from its log; a group Step Functions would otherwise need is unencrypted, kept forever and outside Terraform.',
    fix: 'Give the state machine a logging_configuration (level ERROR or ALL) whose log_destination is an aws_cloudwatch_log_group with kms_key_id (CampaignEngine does).',
    check: sfnLogging,
  },
  {
    id: 'PCM-SFN-2',
    level: 'error',
    info: 'A state machine encrypts its execution data with a customer-managed KMS key.',
    explanation: 'Execution inputs and outputs carry inventory rows and job parameters; with the environment key their readers are the key policy\'s.',
    fix: 'Set encryption_configuration type CUSTOMER_MANAGED_KMS_KEY with the environment key (CampaignEngine does).',
    check: sfnEncryption,
  },
  {
    id: 'PCM-DDB-1',
    level: 'error',
    info: 'DynamoDB tables encrypt with a customer-managed KMS key.',
    explanation: 'The campaign ledger and the idempotency records name every granule processed; the environment key says who may read them.',
    fix: 'Set server_side_encryption { enabled = true, kms_key_arn = <environment key> }.',
    check: dynamodbEncryption,
  },
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
