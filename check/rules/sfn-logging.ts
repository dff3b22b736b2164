import { asList, referencedAddress } from '../stack-view';
import { violation, type RuleCheck } from '../rule';

/**
 * State machines log (level ERROR or more) to a log group of the stack that is encrypted with a
 * KMS key: without logs a failing campaign leaves no trace; the log group is where the
 * environment key, retention and Terraform ownership are set.
 */
export const sfnLogging: RuleCheck = ({ stack }) =>
  stack.ofType('aws_sfn_state_machine').flatMap((machine) => {
    const logging = asList(machine.values.logging_configuration)[0] as { level?: string; log_destination?: string } | undefined;
    if (!logging || !logging.level || logging.level === 'OFF') return [violation(machine, 'no logging (logging_configuration level is OFF or absent)')];
    const destination = String(logging.log_destination ?? '');
    // `${aws_cloudwatch_log_group.x.arn}:*`: the reference names the group.
    const address = referencedAddress(destination.replace(/:\*$/, ''));
    const group = address ? stack.resource(address) : undefined;
    if (!group || group.type !== 'aws_cloudwatch_log_group') return [violation(machine, `logs to ${destination || 'nothing'}, not a log group of this stack`)];
    if (!group.values.kms_key_id) return [violation(machine, `logs to ${group.address}, which is not encrypted with a KMS key`)];
    return [];
  });
