/**
 * Provisioning of the HySDS cluster without SSH: what changes with the environment file reaches
 * mozart through an encrypted object and Secrets Manager, never through user data, and an SSM
 * State Manager association runs DESIGN.md's sequence there (templates/provision.sh.hbs).
 *
 * - `~/.sds/config` is an SSE-KMS object in the code bucket, readable by mozart's role only.
 * - RabbitMQ, Redis and Elasticsearch credentials live in a Secrets Manager secret encrypted with
 *   the environment key. Terraform creates the secret empty; the first provisioning run fills it
 *   with random values, so they never pass through Terraform's state, plan or outputs.
 * - The document takes the config's digest as a parameter: a config change updates the
 *   association, which runs again; the script's per-digest markers make each run resumable.
 * - Every step reports to a log group (KMS, retention), which `npm run deploy` follows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SsmAssociation } from '@cdktf/provider-aws/lib/ssm-association';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import Handlebars from 'handlebars';
import { OPS_USER } from './cluster-config';
import type { Naming } from '../naming';
import type { PolicyStatement } from '../iam/policy';

/** The steps, in order, as the script names them in its log lines (`STEP <name> ok 12s`). */
export const PROVISIONING_STEPS = ['wait-for-boot', 'write-config', 'update', 'start', 'ship', 'import-packages', 'kibana', 'status'] as const;
export type ProvisioningStep = (typeof PROVISIONING_STEPS)[number];

/** Where the cluster config lives in the code bucket; only mozart's role may read it. */
export const CLUSTER_CONFIG_KEY = 'provisioning/sds-config.yaml';
/** Where the release's job packages (sdspkg tarballs) are in the code bucket. */
export const JOB_PACKAGES_PREFIX = 'packages/';
/** How long `npm run deploy` waits for provisioning when the config does not say (OPERA's SSH run took 54-75 minutes). */
export const DEFAULT_PROVISIONING_TIMEOUT_MINUTES = 90;
/** The SSM parameter that carries the config digest into the document. */
const DIGEST_PARAMETER = 'configDigest';

export interface ProvisioningScriptInput {
  readonly venue: string;
  readonly region: string;
  /** The config digest, or the SSM parameter reference that becomes it. */
  readonly digest: string;
  readonly logGroup: string;
  readonly codeBucket: string;
  readonly secretId: string;
  /** sdspkg tarballs under packages/ in the code bucket. */
  readonly packages: readonly string[];
  /** Name tags of the other core instances, which must be up before `sds update`. */
  readonly peerNames: readonly string[];
}

/** Single-quoted for bash. */
const sh = (value: unknown): string => `'${String(value).replace(/'/g, `'\\''`)}'`;
const engine = Handlebars.create();
engine.registerHelper('sh', sh);
const script = engine.compile(readFileSync(join(__dirname, 'templates', 'provision.sh.hbs'), 'utf8'), { strict: true, noEscape: true });

/** The provisioning script, as bash runs it. */
export function renderProvisioningScript(input: ProvisioningScriptInput): string {
  const text = script({
    ...input,
    opsUser: OPS_USER,
    configUrl: `s3://${input.codeBucket}/${CLUSTER_CONFIG_KEY}`,
    packagesUrl: `s3://${input.codeBucket}/${JOB_PACKAGES_PREFIX.replace(/\/$/, '')}`,
    packageList: input.packages.join(' '),
    peerNames: input.peerNames.join(','),
    peerCount: input.peerNames.length,
  });
  // Terraform reads `${` and `%{` in any string as its own templates, and cdktf gives no escape
  // that survives into JSON syntax intact: the script must not contain them at all.
  const template = /\$\{|%\{/.exec(text);
  if (template) throw new Error(`the provisioning script contains "${template[0]}" at offset ${template.index}, which Terraform would read as interpolation`);
  if (input.packages.some((p) => /\s/.test(p))) throw new Error('job package names must not contain whitespace');
  return text;
}

export interface HysdsProvisioningProps {
  readonly naming: Naming;
  readonly kmsKeyArn: string;
  /** The rendered `~/.sds/config` (addresses may be Terraform references). */
  readonly clusterConfig: string;
  /** sdspkg tarballs of the release (release.jobPackages). */
  readonly packages: readonly string[];
  /** The instance the association targets. */
  readonly mozartInstanceId: string;
  /** Name tags of the other core instances. */
  readonly peerNames: readonly string[];
  readonly logRetentionDays: number;
  /**
   * Create the State Manager association. moto_server has no CreateAssociation (nor an SSM agent
   * to run it); the emulator deploys everything else.
   * @default true
   */
  readonly associate?: boolean;
  /** Seconds the document's one step may run. @default 7200 */
  readonly timeoutSeconds?: number;
}

export class HysdsProvisioning extends Construct {
  readonly configObject: S3Object;
  readonly credentials: SecretsmanagerSecret;
  readonly logGroup: CloudwatchLogGroup;
  readonly document: SsmDocument;
  readonly association?: SsmAssociation;
  /** First 16 hex digits of the SHA-256 of the config and the package list. */
  readonly digest: string;
  /** The log stream of this config's run on the current mozart: `<instance id>/<digest>`. */
  readonly logStream: string;

  constructor(scope: Construct, id: string, props: HysdsProvisioningProps) {
    super(scope, id);
    const { naming } = props;
    const codeBucket = naming.bucket('code');

    this.configObject = new S3Object(this, 'cluster-config', {
      bucket: codeBucket,
      key: CLUSTER_CONFIG_KEY,
      content: props.clusterConfig,
      contentType: 'application/yaml',
      serverSideEncryption: 'aws:kms',
      kmsKeyId: props.kmsKeyArn,
      bucketKeyEnabled: true,
    });
    this.credentials = new SecretsmanagerSecret(this, 'credentials', {
      name: naming.credentialsSecret(),
      description: `RabbitMQ, Redis and Elasticsearch credentials of ${naming.venue}; set by its first provisioning run`,
      kmsKeyId: props.kmsKeyArn,
      // The credentials protect this cluster's own services, which go with the compute stack; a
      // re-created stack must be able to take the name again at once.
      recoveryWindowInDays: 0,
    });
    // Literal names only in the script: Terraform references would be escaped with it.
    const logGroupName = naming.provisioningLogGroup();
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });

    // Computed by Terraform from the object's content: the config holds addresses only it knows.
    this.digest = Fn.substr(Fn.sha256(Fn.join('\n', [this.configObject.content, ...props.packages])), 0, 16);
    const text = renderProvisioningScript({
      venue: naming.venue,
      region: naming.identity.region,
      digest: `{{ ${DIGEST_PARAMETER} }}`,
      logGroup: logGroupName,
      codeBucket,
      secretId: naming.credentialsSecret(),
      packages: props.packages,
      peerNames: props.peerNames,
    });
    this.document = new SsmDocument(this, 'document', {
      name: naming.resource('provision-hysds'),
      documentType: 'Command',
      documentFormat: 'JSON',
      content: JSON.stringify({
        schemaVersion: '2.2',
        description: `Provisions HySDS on mozart of ${naming.venue} (pcm-deploy).`,
        parameters: { [DIGEST_PARAMETER]: { type: 'String', description: 'Digest of the cluster config and job packages.', allowedPattern: '^[0-9a-f]{16}$' } },
        mainSteps: [
          {
            action: 'aws:runShellScript',
            name: 'provision',
            inputs: { timeoutSeconds: String(props.timeoutSeconds ?? 7200), runCommand: text.split('\n') },
          },
        ],
      }),
    });
    if (props.associate !== false) {
      this.association = new SsmAssociation(this, 'association', {
        associationName: naming.resource('provision-hysds'),
        name: this.document.name,
        targets: [{ key: 'InstanceIds', values: [props.mozartInstanceId] }],
        parameters: { [DIGEST_PARAMETER]: this.digest },
        // The config object must be there before the script fetches it.
        dependsOn: [this.configObject, this.credentials, this.logGroup],
      });
    }
    this.logStream = `${props.mozartInstanceId}/${this.digest}`;
  }
}

/**
 * What the role mozart runs as needs for provisioning, and nothing more. Built from names, not
 * from the resources, so the role can exist before the instance that the association targets.
 */
export function provisioningStatements(naming: Naming): PolicyStatement[] {
  const code = naming.bucketArn('code');
  return [
    { Sid: 'ReadsClusterConfig', Effect: 'Allow', Action: 's3:GetObject', Resource: [`${code}/${CLUSTER_CONFIG_KEY}`, `${code}/${JOB_PACKAGES_PREFIX}*`] },
    { Sid: 'KeepsClusterCredentials', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'], Resource: naming.credentialsSecretArnPattern() },
    { Sid: 'ReportsProvisioning', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${naming.provisioningLogGroupArn()}:*` },
    // Waiting for the other core instances; Describe calls cannot be scoped to resources.
    { Sid: 'WaitsForCoreInstances', Effect: 'Allow', Action: ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus'], Resource: '*' },
  ];
}

/** For every other role: the cluster config (and the credentials in it) is mozart's alone. */
export function clusterConfigDenied(naming: Naming): PolicyStatement {
  return { Sid: 'ClusterConfigIsMozarts', Effect: 'Deny', Action: 's3:GetObject', Resource: `${naming.bucketArn('code')}/${CLUSTER_CONFIG_KEY}` };
}
