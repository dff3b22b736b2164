/**
 * AWS Batch for PGEs that run as containers: compute environments (Spot with
 * SPOT_PRICE_CAPACITY_OPTIMIZED, on-demand with BEST_FIT_PROGRESSIVE), job queues per pipeline,
 * and job definitions that retry Spot reclaims but not known, expected failures.
 *
 * No service role: Batch then uses its service-linked role and updates a compute environment in
 * place; with one, some changes replace it, which fails while a job queue refers to it. The
 * launch template's version is pinned so an AMI change is a visible update, not a surprise.
 *
 * PGE containers act as a job role of their own (the data they read and write), never as the
 * host's role: the hosts answer metadata requests from one hop only, which a container on the
 * bridge network is not (check rule PCM-BAT-1).
 */
import { BatchComputeEnvironment } from '@cdktf/provider-aws/lib/batch-compute-environment';
import { BatchJobDefinition } from '@cdktf/provider-aws/lib/batch-job-definition';
import { BatchJobQueue } from '@cdktf/provider-aws/lib/batch-job-queue';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config-generator/schema';
import type { Naming } from '../naming';
import { policyJson, trustPolicyJson, type PolicyStatement } from '../iam/policy';

export interface BatchEnvironmentProps {
  readonly naming: Naming;
  readonly batch: EnvironmentConfig['batch'];
  readonly containers: Readonly<Record<string, string>>;
  readonly amiId: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly instanceProfileArn: string;
  readonly kmsKeyArn: string;
  /** What the PGE containers may do (their job role), least privilege. */
  readonly jobStatements: readonly PolicyStatement[];
  /**
   * Tags for the hosts and volumes Batch launches: the provider's default_tags do not reach
   * them (check rule PCM-TAG-2).
   */
  readonly tags: Readonly<Record<string, string>>;
  /** Root volume of the hosts, GiB. @default 100 */
  readonly rootVolumeGiB?: number;
}

/** Spot reclaims show up as a host status reason starting "Host EC2" (AWS Batch docs). */
export const SPOT_RECLAIM_REASON = 'Host EC2*';

/** The retry strategy of a job definition: retry reclaims, exit on expected failures. */
export function retryStrategy(attempts: number, expectedFailureExitCodes: readonly number[]) {
  return {
    attempts,
    evaluateOnExit: [
      { onStatusReason: SPOT_RECLAIM_REASON, action: 'RETRY' },
      ...expectedFailureExitCodes.map((code) => ({ onExitCode: String(code), action: 'EXIT' })),
    ],
  };
}

export class BatchEnvironment extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly computeEnvironments: Record<string, BatchComputeEnvironment> = {};
  readonly jobQueues: Record<string, BatchJobQueue> = {};
  readonly jobDefinitions: Record<string, BatchJobDefinition> = {};
  /** The role every job's containers act as. */
  readonly jobRole: IamRole;

  constructor(scope: Construct, id: string, props: BatchEnvironmentProps) {
    super(scope, id);
    const { naming, batch } = props;
    const name = (n: string) => naming.batch(n);

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: naming.resource('batch-hosts', 'generic'),
      // One hop: the ECS agent on the host reaches the metadata service, containers do not (they
      // get their job role's credentials from the ECS agent instead).
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { volumeSize: props.rootVolumeGiB ?? 100, volumeType: 'gp3', encrypted: 'true', kmsKeyId: props.kmsKeyArn, deleteOnTermination: 'true' },
        },
      ],
      tagSpecifications: (['instance', 'volume'] as const).map((resourceType) => ({ resourceType, tags: { ...props.tags, Name: naming.resource('batch-host') } })),
    });

    for (const ce of batch.computeEnvironments) {
      const spot = ce.market === 'spot';
      this.computeEnvironments[ce.name] = new BatchComputeEnvironment(this, `ce-${ce.name}`, {
        computeEnvironmentName: name(ce.name),
        type: 'MANAGED',
        serviceRole: batch.serviceRoleArn,
        computeResources: {
          type: spot ? 'SPOT' : 'EC2',
          allocationStrategy: spot ? 'SPOT_PRICE_CAPACITY_OPTIMIZED' : 'BEST_FIT_PROGRESSIVE',
          instanceType: [...ce.instanceTypes],
          minVcpus: ce.minVcpus,
          maxVcpus: ce.maxVcpus,
          subnets: [...props.subnetIds],
          securityGroupIds: [...props.securityGroupIds],
          instanceRole: props.instanceProfileArn,
          imageId: props.amiId,
          launchTemplate: { launchTemplateId: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
        },
        // Scaling moves desired vCPUs; Terraform must not fight it.
        lifecycle: { ignoreChanges: ['compute_resources[0].desired_vcpus'] },
      });
    }

    for (const jq of batch.jobQueues) {
      this.jobQueues[jq.name] = new BatchJobQueue(this, `jq-${jq.name}`, {
        name: name(jq.name),
        state: 'ENABLED',
        priority: jq.priority,
        computeEnvironmentOrder: jq.computeEnvironments.map((ce, order) => ({ order, computeEnvironment: this.computeEnvironments[ce].arn })),
      });
    }

    const account = naming.identity.accountId;
    this.jobRole = new IamRole(this, 'job-role', {
      name: naming.resource('batch-job', 'iamRole'),
      description: `PGE containers of AWS Batch jobs in ${naming.venue}`,
      assumeRolePolicy: trustPolicyJson([
        {
          Effect: 'Allow',
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Action: 'sts:AssumeRole',
          // Only ECS tasks of this account (the confused-deputy guard).
          Condition: { StringEquals: { 'aws:SourceAccount': account } },
        },
      ]),
    });
    new IamRolePolicy(this, 'job-policy', { name: 'least-privilege', role: this.jobRole.id, policy: policyJson(props.jobStatements) });

    for (const jd of batch.jobDefinitions) {
      this.jobDefinitions[jd.name] = new BatchJobDefinition(this, `jd-${jd.name}`, {
        name: name(jd.name),
        type: 'container',
        platformCapabilities: ['EC2'],
        timeout: { attemptDurationSeconds: jd.timeoutSeconds },
        retryStrategy: retryStrategy(jd.retryAttempts, jd.expectedFailureExitCodes),
        containerProperties: JSON.stringify({
          image: props.containers[jd.container],
          jobRoleArn: this.jobRole.arn,
          resourceRequirements: [
            { type: 'VCPU', value: String(jd.vcpus) },
            { type: 'MEMORY', value: String(jd.memoryMiB) },
          ],
        }),
      });
    }
  }
}
