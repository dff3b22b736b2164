/**
 * What an instance's SSM agent needs, and no more, in place of AmazonSSMManagedInstanceCore
 * (which also lets every instance read every SSM parameter in the account): registering with
 * Systems Manager, Session Manager's channels (operators reach instances without SSH), and
 * Run Command / State Manager associations on this environment's instances.
 *
 * Parameter reads are not here: a role that needs a parameter gets it by name, next to these.
 */
import { partitionOf, type NamingIdentity } from '../naming';
import type { PolicyStatement } from './policy';

export function sessionManagerStatements(identity: Pick<NamingIdentity, 'region' | 'accountId'>): PolicyStatement[] {
  const { region, accountId } = identity;
  const partition = partitionOf(region);
  return [
    {
      Sid: 'SsmAgentCore',
      Effect: 'Allow',
      // None of these takes a resource ARN (IAM's service authorization reference).
      Action: [
        'ssm:UpdateInstanceInformation',
        'ssm:ListAssociations',
        'ssm:ListInstanceAssociations',
        'ssm:DescribeAssociation',
        'ssm:DescribeDocument',
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
        'ec2messages:AcknowledgeMessage',
        'ec2messages:DeleteMessage',
        'ec2messages:FailMessage',
        'ec2messages:GetEndpoint',
        'ec2messages:GetMessages',
        'ec2messages:SendReply',
      ],
      Resource: '*',
    },
    {
      Sid: 'SsmAgentAssociations',
      Effect: 'Allow',
      // Run Command and State Manager: read the documents, report status and inventory for
      // instances of this account and region (AWS's own documents have no account in their ARN).
      Action: ['ssm:GetDocument', 'ssm:UpdateAssociationStatus', 'ssm:UpdateInstanceAssociationStatus', 'ssm:PutInventory'],
      Resource: [`arn:${partition}:ec2:${region}:${accountId}:instance/*`, `arn:${partition}:ssm:${region}:${accountId}:document/*`, `arn:${partition}:ssm:${region}::document/*`],
    },
  ];
}
