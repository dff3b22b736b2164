/**
 * AWS-managed policies are written for every customer at once and change without notice:
 * attaching one grants whatever AWS puts in it. Only the few whose scope the kit has read, and
 * that it cannot replace, may be attached; everything else is an inline least-privilege policy.
 */
import { violation, type RuleCheck, type Violation } from '../rule';
import { referencedAddress, type StackView, type TerraformResource } from '../stack-view';

/** The AWS-managed policies the kit may attach, and why each is acceptable. */
export const MANAGED_POLICY_ALLOW_LIST: Readonly<Record<string, string>> = {
  'service-role/AmazonEC2ContainerServiceforEC2Role':
    "the ECS agent on Batch hosts: registering container instances and pulling images; ECS's calls change with the agent, which AWS updates with the policy",
};

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

/** The managed policy ARNs a role gets: attachments, and managed_policy_arns on the role. */
function attachments(stack: StackView): { resource: TerraformResource; arn: unknown }[] {
  return [
    ...['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment'].flatMap((type) => stack.ofType(type).map((resource) => ({ resource, arn: resource.values.policy_arn }))),
    ...stack.ofType('aws_iam_role').flatMap((resource) => (Array.isArray(resource.values.managed_policy_arns) ? (resource.values.managed_policy_arns as unknown[]) : []).map((arn) => ({ resource, arn }))),
  ];
}

export const managedPolicies: RuleCheck = ({ stack }) => {
  const found: Violation[] = [];
  for (const { resource, arn } of attachments(stack)) {
    if (typeof arn !== 'string') {
      found.push(violation(resource, `policy ARN cannot be read (${JSON.stringify(arn)})`));
      continue;
    }
    const address = referencedAddress(arn);
    if (address) {
      // The stack's own policy (aws_iam_policy): the IAM rules read its document.
      if (!stack.resource(address) || !address.startsWith('aws_iam_policy.')) found.push(violation(resource, `attaches ${arn}, which the check cannot read`));
      continue;
    }
    const managed = AWS_MANAGED.exec(arn);
    if (managed && !(managed[1] in MANAGED_POLICY_ALLOW_LIST)) found.push(violation(resource, `attaches the AWS-managed policy ${managed[1]}, which is not on the allow-list`));
    // A customer-managed policy outside the stack: its document is not here to check.
    else if (!managed) found.push(violation(resource, `attaches ${arn}, a policy the check cannot read`));
  }
  return found;
};

