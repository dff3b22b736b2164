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
// ---- Real AWS versus the emulator (issue 11) ----
import { fixedNameReplacement } from './rules/fixed-name-replacement';
import { kmsLaunchRoles } from './rules/kms-launch-roles';
import { lambdaReservedConcurrency } from './rules/lambda-reserved-concurrency';
import { lambdaRuntime } from './rules/lambda-runtime';
import { partnerPrincipalsRule } from './rules/partner-principals';
import { batchJobRoles } from './rules/batch-job-roles';
import { crossAccountDeletes } from './rules/cross-account-deletes';
import { managedPolicies } from './rules/managed-policies';
import { messagingTlsOnly } from './rules/messaging-tls-only';
import { s3ObjectTagCount } from './rules/s3-object-tag-count';
import { s3AccessLogging } from './rules/s3-access-logging';
import { alertsSubscribed } from './rules/alerts-subscribed';
import { mozartTlsVerification } from './rules/mozart-tls';
import { sqsSourceConcurrency } from './rules/sqs-source-concurrency';
import { dynamodbEncryption } from './rules/dynamodb-encryption';
import { sfnEncryption } from './rules/sfn-encryption';
import { schedulerEncryption } from './rules/scheduler-encryption';
import { sfnLambdaRetry } from './rules/sfn-lambda-retry';
import { sfnLogging } from './rules/sfn-logging';
import { sfnDynamodbErrorNames } from './rules/sfn-dynamodb-error-names';
import { arnPartition } from './rules/arn-partition';

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
    fix: 'List the actions the role calls (see the grant methods in modules/storage/bucket-access.ts and modules/iam/policy.ts).',
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
    fix: "Render worker user data with renderWorkerUserData (modules/compute/cluster-config.ts).",
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
  // ---- Real AWS versus the emulator (issue 11): what moto accepts and AWS refuses ----
  {
    id: 'PCM-LAM-2',
    level: 'error',
    info: 'Lambda functions run on a runtime AWS has not deprecated.',
    explanation: 'AWS blocks creating functions on a runtime some months after deprecating it (nodejs20.x from 2026-08-31), then updating them; moto accepts any runtime.',
    fix: 'Move to a supported runtime: LAMBDA_RUNTIME in modules/lambda/runtime-version.ts sets both the function runtime and the esbuild target.',
    check: lambdaRuntime,
  },
  {
    id: 'PCM-KMS-2',
    level: 'error',
    info: "Auto Scaling's service-linked role may use the key of every volume it launches.",
    explanation: 'Worker fleets and Batch launch through Auto Scaling; without kms:CreateGrant and data-key access on the volume key every launch fails with Client.InternalError.',
    fix: 'Allow the role in the key policy by aws:PrincipalArn (EnvironmentKey launchingServices does), or give it an aws_kms_grant ordered after the role exists.',
    check: kmsLaunchRoles,
  },
  {
    id: 'PCM-IAM-4',
    level: 'error',
    info: "Resource and key policies name another account's principals by account, with an aws:PrincipalArn condition.",
    explanation: 'KMS refuses a key policy naming a role that does not exist yet, and a policy naming a role by ARN silently stops matching when the partner re-creates it.',
    fix: 'Use partnerPrincipals() in modules/iam/policy.ts: the account root as Principal, the role ARNs under ArnLike aws:PrincipalArn.',
    check: partnerPrincipalsRule,
  },
  {
    id: 'PCM-LAM-3',
    level: 'error',
    info: "Reserved concurrency is declared where the deploy guard checks it against the account's quota.",
    explanation: 'AWS refuses a reservation that leaves fewer than 100 unreserved executions (new accounts may have a quota of 10); the guard can only refuse before Terraform runs what it knows of.',
    fix: 'Declare the reservation in reservedConcurrencyOf (stacks/reserved-concurrency.ts) and set it from there.',
    check: lambdaReservedConcurrency,
  },
  {
    id: 'PCM-EC2-5',
    level: 'error',
    info: 'Nothing combines a fixed unique name with create_before_destroy.',
    explanation: 'The replacement is created while the old resource still holds the name, and AWS refuses it; moto allows duplicate security group names, so only a real replacement shows it.',
    fix: 'Use name_prefix (ClusterSecurity does), or drop create_before_destroy.',
    check: fixedNameReplacement,
  },
  {
    id: 'PCM-MSG-1',
    level: 'error',
    info: 'SNS topic and SQS queue policies deny requests without TLS.',
    explanation: 'The DAAC publishes CNM-R over the internet and every consumer polls over it; a client falling back to HTTP must be refused, as the buckets refuse it.',
    fix: 'Put denyInsecureTransport() (modules/iam/policy.ts) in the topic or queue policy (EncryptedTopic, MessageQueue and FailureQueue do).',
    check: messagingTlsOnly,
  },
  {
    id: 'PCM-IAM-5',
    level: 'error',
    info: 'Only AWS-managed policies on the allow-list are attached.',
    explanation: 'A managed policy grants whatever AWS puts in it, for every customer at once (AmazonSSMManagedInstanceCore reads every SSM parameter of the account).',
    fix: 'Write an inline least-privilege policy (sessionManagerStatements() replaces the SSM one), or add the policy to MANAGED_POLICY_ALLOW_LIST with the reason.',
    check: managedPolicies,
  },
  {
    id: 'PCM-BAT-1',
    level: 'error',
    info: 'Batch jobs act as a job role of their own, and their hosts keep containers away from the host role.',
    explanation: 'Without a job role, or with a metadata hop limit above 1, a PGE container takes the host role from the metadata service.',
    fix: 'Give every job definition a jobRoleArn and the hosts\' launch template http_put_response_hop_limit 1 (BatchEnvironment does).',
    check: batchJobRoles,
  },
  {
    id: 'PCM-S3-7',
    level: 'error',
    info: 'Other accounts delete objects only where a read-write-delete grant (or the CNES exchange) says so.',
    explanation: "A consumer that only writes must not be one bug away from removing OPS's products and archives.",
    fix: 'Grant read-write (no delete) in storage.sharedFrom.grants, or read-write-delete where the consumer cleans up after itself.',
    check: crossAccountDeletes,
  },
  {
    id: 'PCM-S3-8',
    level: 'error',
    info: "S3 objects carry at most 10 tags, the provider's default tags included.",
    explanation: 'S3 refuses an 11th tag on an object, so extra tags in the config break the prefix objects of every bucket on AWS only.',
    fix: 'Keep tags (in the environment file) to 10 minus the kit\'s own (project, environment, kind, managed-by, expires-on).',
    check: s3ObjectTagCount,
  },
  {
    id: 'PCM-S3-9',
    level: 'error',
    info: "Every bucket writes S3 server access logs to the environment's log bucket.",
    explanation: 'Partners and consumers in other accounts read, write and delete in these buckets; without access logs nobody can say who removed a product.',
    fix: 'Pass accessLogs to SecureBucket (DataStack sends every bucket to its AccessLogBucket).',
    check: s3AccessLogging,
  },
  {
    id: 'PCM-TLS-1',
    level: 'warning',
    info: "Lambdas verify mozart's certificate and operators reach every interface over HTTPS, unless tls.mozart or tls.jenkins turns it off with a reason.",
    explanation: "Unverified TLS hands every job submission to whoever can answer for mozart's address; plain HTTP hands Jenkins' logins to whoever listens on the network.",
    fix: "Set tls.mozart.caCertificate to the CA that signs mozart's certificate (or give mozart a public certificate on network.operatorDnsName); serve Jenkins over HTTPS and set tls.jenkins.httpsPort.",
    check: mozartTlsVerification,
  },
  {
    id: 'PCM-ALR-1',
    level: 'warning',
    info: 'Someone is subscribed to the alerts topic.',
    explanation: 'Dead-letter alarms and failed scheduled runs all go to the alerts topic; with no subscriber they reach nobody.',
    fix: 'List the operators under alerts.emails in the environment file.',
    check: alertsSubscribed,
  },
  {
    id: 'PCM-LAM-4',
    level: 'error',
    info: 'SQS event sources cap the concurrency of their function.',
    explanation: 'A backlog on a queue otherwise scales its function to the account limit, starving the other functions and flooding mozart with submissions.',
    fix: 'Set scaling_config.maximum_concurrency (BundledFunction.addSqsSource maxConcurrency, from lambdas.sqsMaximumConcurrency).',
    check: sqsSourceConcurrency,
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
    id: 'PCM-SFN-3',
    level: 'error',
    info: "A state machine's Lambda tasks retry Lambda's transient errors (ServiceException, AWSLambdaException, SdkClientException, TooManyRequestsException).",
    explanation: 'Step Functions reports a short Lambda hiccup, or a function at its reserved concurrency, as a task failure; AWS advises retrying these. Without it a campaign chunk fails because Lambda was busy, not because its job did. moto runs no Lambda task, so only the definition shows it.',
    fix: 'Give each lambda:invoke task a Retry on those four errors with backoff and jitter (the campaign definition\'s SubmitToMozart has one).',
    check: sfnLambdaRetry,
  },
  {
    id: 'PCM-SFN-4',
    level: 'error',
    info: "A DynamoDB task's Catch and Retry name errors as its integration reports them (DynamoDB.* optimized, DynamoDb.* AWS SDK).",
    explanation: 'A name of the other spelling never matches: a ledger transition whose condition failed (another writer moved the row) or a throttled write then fails the execution instead of being handled.',
    fix: 'Use DynamoDB.<Code> on arn:aws:states:::dynamodb:* tasks and DynamoDb.<Exception> on arn:aws:states:::aws-sdk:dynamodb:* tasks (or list both).',
    check: sfnDynamodbErrorNames,
  },
  {
    id: 'PCM-ARN-1',
    level: 'error',
    info: "Every ARN names the environment's partition (arn:aws-us-gov: in GovCloud).",
    explanation:
      "Nothing refuses an ARN of another partition at deploy: a policy statement naming one grants nothing, and a Step Functions task naming arn:aws:states:::... fails when it runs in GovCloud. The emulator has a single partition, so only this check shows it.",
    fix: "Build ARNs with Naming.arn() or Naming.partition (Step Functions definitions go through inPartition), never with a literal 'arn:aws:'.",
    check: arnPartition,
  },
  {
    id: 'PCM-DDB-1',
    level: 'error',
    info: 'DynamoDB tables encrypt with a customer-managed KMS key.',
    explanation: 'The campaign ledger and the idempotency records name every granule processed; the environment key says who may read them.',
    fix: 'Set server_side_encryption { enabled = true, kms_key_arn = <environment key> }.',
    check: dynamodbEncryption,
  },
  {
    id: 'PCM-SCH-1',
    level: 'error',
    info: 'EventBridge Scheduler schedules encrypt their target input with a customer-managed KMS key.',
    explanation: "A schedule's input names what it starts and with which bounds; with the environment key its readers are the key policy's, as for every other store of the environment.",
    fix: 'Set kms_key_arn to the environment key (CampaignEngine does for the retry schedule).',
    check: schedulerEncryption,
  },
];
