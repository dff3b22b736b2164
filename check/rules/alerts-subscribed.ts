/**
 * The alerts topic has someone listening: every dead-letter alarm and failed scheduled run goes
 * there, and a topic without subscribers drops them silently.
 */
import { Naming } from '../../modules/naming';
import { violation, type RuleCheck } from '../rule';
import { referencedAddress } from '../stack-view';

export const alertsSubscribed: RuleCheck = ({ stack, environment, config }) => {
  const name = Naming.of(config).topic('alerts');
  const subscriptions = environment.flatMap((view) => view.ofType('aws_sns_topic_subscription'));
  return stack
    .ofType('aws_sns_topic')
    .filter((topic) => topic.values.name === name)
    .filter((topic) => !subscriptions.some((s) => referencedAddress(s.values.topic_arn) === topic.address || s.values.topic_arn === Naming.of(config).topicArn('alerts')))
    .map((topic) => violation(topic, 'nobody is subscribed: alarms and failed runs reach no one (set alerts.emails in the environment file)'));
};
