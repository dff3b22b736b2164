import { Naming } from '../../modules/naming';
import { violation, type RuleCheck } from '../rule';
import { referencedAddress } from '../stack-view';

/**
 * Idle workers send their instance id to `<VENUE>-queue` and power off; without a consumer that
 * takes them out of their group, the group replaces them at the same desired capacity, forever.
 */
export const hysdsHarikiriConsumer: RuleCheck = ({ stack, environment, config }) => {
  const name = Naming.of(config).harikiriQueue();
  const sources = environment.flatMap((view) => view.ofType('aws_lambda_event_source_mapping'));
  return stack
    .ofType('aws_sqs_queue')
    .filter((queue) => queue.values.name === name)
    .filter((queue) => !sources.some((s) => referencedAddress(s.values.event_source_arn) === queue.address || s.values.event_source_arn === Naming.of(config).queueArn(name)))
    .map((queue) => violation(queue, `nothing consumes ${name}: idle workers would be replaced forever instead of leaving their groups`));
};
