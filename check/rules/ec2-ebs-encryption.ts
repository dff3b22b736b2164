import { asList, isTrue } from '../stack-view';
import { violation, type RuleCheck, type Violation } from '../rule';

/**
 * Every volume an instance or launch template creates is encrypted, said explicitly: left out,
 * encryption depends on an account setting the kit does not own.
 */
export const ec2EbsEncryption: RuleCheck = ({ stack }) => {
  const found: Violation[] = [];
  for (const instance of stack.ofType('aws_instance')) {
    const roots = asList(instance.values.root_block_device);
    if (roots.length === 0 || !roots.every((r) => isTrue(r.encrypted))) found.push(violation(instance, 'root volume not encrypted'));
    const data = asList(instance.values.ebs_block_device).filter((d) => !isTrue(d.encrypted));
    if (data.length > 0) found.push(violation(instance, `volume ${data.map((d) => d.device_name).join(', ')} not encrypted`));
  }
  for (const template of stack.ofType('aws_launch_template')) {
    const mappings = asList(template.values.block_device_mappings);
    if (mappings.length === 0) found.push(violation(template, "no block device mappings: volumes are the AMI's, encrypted or not"));
    const plain = mappings.filter((m) => asList(m.ebs).length > 0 && !asList(m.ebs).every((e) => isTrue(e.encrypted)));
    if (plain.length > 0) found.push(violation(template, `volume ${plain.map((m) => m.device_name).join(', ')} not encrypted`));
  }
  for (const volume of stack.ofType('aws_ebs_volume')) {
    if (!isTrue(volume.values.encrypted)) found.push(violation(volume, 'volume not encrypted'));
  }
  return found;
};
