/**
 * PGE containers act as a job role of their own. Without one, a container reaches the host's
 * metadata service and acts as the host role (ECS agent, every bucket the host can reach); with
 * a job role but a metadata hop limit above 1, it still can.
 */
import { violation, type RuleCheck, type Violation } from '../rule';
import { asList, referencedAddress, shown } from '../stack-view';

export const batchJobRoles: RuleCheck = ({ stack }) => {
  const found: Violation[] = [];
  for (const definition of stack.ofType('aws_batch_job_definition')) {
    if (definition.values.type !== 'container') continue;
    const text = definition.values.container_properties;
    let properties: { jobRoleArn?: unknown };
    try {
      properties = JSON.parse(String(text)) as { jobRoleArn?: unknown };
    } catch {
      found.push(violation(definition, `container_properties cannot be read: not literal JSON (${String(text).slice(0, 60)})`));
      continue;
    }
    if (typeof properties.jobRoleArn !== 'string' || properties.jobRoleArn === '') found.push(violation(definition, 'no jobRoleArn: its containers act as the host role'));
  }
  for (const environment of stack.ofType('aws_batch_compute_environment')) {
    for (const spec of asList(asList(environment.values.compute_resources)[0]?.launch_template)) {
      const template = stack.resource(referencedAddress(spec.launch_template_id) ?? '');
      if (!template) {
        found.push(violation(environment, `launch template ${String(spec.launch_template_id ?? spec.launch_template_name)} is not in the stack; its metadata hop limit cannot be read`));
        continue;
      }
      const hops = asList(template.values.metadata_options)[0]?.http_put_response_hop_limit;
      if (hops === undefined || Number(hops) > 1) found.push(violation(environment, `hosts answer metadata requests from ${hops === undefined ? 'the default' : shown(hops)} hops: containers can act as the host role`));
    }
  }
  return found;
};
