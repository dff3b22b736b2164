import { violation, type RuleCheck } from '../rule';
import { imdsV1Allowed } from './imds';

/** Instances and launch templates require IMDSv2 session tokens unless the config opts out. */
export const ec2ImdsV2: RuleCheck = ({ stack, config }) =>
  imdsV1Allowed(stack, config)
    .filter((access) => !access.optedOutAs)
    .map(({ resource }) => violation(resource, 'metadata_options.http_tokens is not "required"'));
