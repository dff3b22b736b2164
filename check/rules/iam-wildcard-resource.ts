import { allowStatements, listOf, policyDocuments, statementName } from '../policy-documents';
import { violation, type RuleCheck } from '../rule';

/**
 * Actions that take no resource ARN (IAM's "*" only): describing, publishing metrics, the ENIs
 * Lambda creates in a VPC, tokens. Anything else on Resource "*" could have been scoped.
 */
export const UNSCOPABLE_ACTIONS: readonly RegExp[] = [
  /^cloudwatch:PutMetricData$/,
  /^(ec2|autoscaling|ecs|batch|elasticloadbalancing|cloudwatch|logs|ssm):Describe[A-Za-z]*\*?$/,
  /^ec2:(CreateNetworkInterface|DeleteNetworkInterface|AssignPrivateIpAddresses|UnassignPrivateIpAddresses)$/,
  /^ec2messages:[A-Za-z]+$/,
  /^ssmmessages:[A-Za-z]+$/,
  /^ssm:(UpdateInstanceInformation|ListAssociations|ListInstanceAssociations)$/,
  /^xray:(PutTraceSegments|PutTelemetryRecords)$/,
  /^ecr:GetAuthorizationToken$/,
  /^sts:GetCallerIdentity$/,
  // CloudWatch vended log delivery (Step Functions logging) takes no resource ARN.
  /^logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/,
];

const unscopable = (action: string) => UNSCOPABLE_ACTIONS.some((pattern) => pattern.test(action));

/**
 * Identity policies name the resources they allow. Key policies are exempt: there "*" means
 * the key itself. Resource policies name their resource by being attached to it.
 */
export const iamWildcardResource: RuleCheck = ({ stack }) => {
  const { allows, unreadable } = allowStatements(policyDocuments(stack).filter((d) => d.kind === 'identity'));
  const found = [...unreadable];
  for (const { document, statement } of allows) {
    if (statement.NotResource !== undefined) {
      found.push(violation(document.resource, `${statementName(document, statement)} allows NotResource, every resource but a few`));
      continue;
    }
    if (!listOf(statement.Resource).includes('*')) continue;
    const scopable = listOf(statement.Action).filter((action) => !unscopable(action));
    if (scopable.length > 0) found.push(violation(document.resource, `${statementName(document, statement)} allows ${scopable.join(', ')} on Resource "*"`));
  }
  return found;
};
