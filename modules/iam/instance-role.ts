/**
 * An EC2 role and its instance profile, with an inline least-privilege policy. No SSH: operators
 * reach instances through SSM Session Manager, whose agent gets exactly what it needs
 * (session-manager.ts) instead of AmazonSSMManagedInstanceCore, which reads every parameter.
 */
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import type { NamingIdentity } from '../naming';
import { policyJson, trustPolicyJson, type PolicyStatement } from './policy';
import { sessionManagerStatements } from './session-manager';

export interface InstanceRoleProps {
  readonly roleName: string;
  readonly description: string;
  readonly statements: readonly PolicyStatement[];
  /** The account and region, for the SSM agent's statements (added to `statements`, always). */
  readonly identity: Pick<NamingIdentity, 'region' | 'accountId'>;
  /**
   * AWS-managed policies to attach (e.g. the ECS agent's for Batch hosts); each must be on check
   * rule PCM-IAM-5's allow-list. @default none
   */
  readonly managedPolicyArns?: readonly string[];
}

export class InstanceRole extends Construct {
  readonly role: IamRole;
  readonly profile: IamInstanceProfile;
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id);
    this.statements = [...props.statements, ...sessionManagerStatements(props.identity)];
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: trustPolicyJson([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    });
    new IamRolePolicy(this, 'policy', { name: 'least-privilege', role: this.role.id, policy: policyJson(this.statements) });
    (props.managedPolicyArns ?? []).forEach((policyArn, i) => {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn });
    });
    this.profile = new IamInstanceProfile(this, 'profile', { name: props.roleName, role: this.role.name });
  }
}
