import { asList } from '../stack-view';
import { violation, type RuleCheck, type Violation } from '../rule';
import type { TerraformResource } from '../stack-view';

/** Where a rule admits traffic from, for the three ways Terraform writes an ingress rule. */
function ingressCidrs(resource: TerraformResource): string[] {
  const v = resource.values;
  const cidrs = (...values: unknown[]) => values.flatMap((x) => (x === undefined || x === null ? [] : Array.isArray(x) ? (x as unknown[]) : [x])).map(String);
  switch (resource.type) {
    case 'aws_vpc_security_group_ingress_rule':
      return cidrs(v.cidr_ipv4, v.cidr_ipv6);
    case 'aws_security_group_rule':
      return v.type === 'ingress' ? cidrs(v.cidr_blocks, v.ipv6_cidr_blocks) : [];
    case 'aws_security_group':
      return asList(v.ingress).flatMap((rule) => cidrs(rule.cidr_blocks, rule.ipv6_cidr_blocks));
    default:
      return [];
  }
}

/**
 * Security groups admit address ranges only where the config lists them
 * (network.operatorCidrs); 0.0.0.0/0 or ::/0 only if an operator put it there.
 */
export const ec2OpenIngress: RuleCheck = ({ stack, config }) => {
  const configured = new Set(config.network.operatorCidrs);
  const found: Violation[] = [];
  for (const resource of stack.resources) {
    const unlisted = ingressCidrs(resource).filter((cidr) => !configured.has(cidr));
    if (unlisted.length > 0) found.push(violation(resource, `admits ${unlisted.join(', ')}, which network.operatorCidrs does not list`));
  }
  return found;
};
