import { violation, type RuleCheck } from '../rule';
import { imdsV1Allowed } from './imds';

/** The documented opt-out (core.<component>.allowImdsV1) is allowed, and shown. */
export const ec2ImdsOptOut: RuleCheck = ({ stack, config }) =>
  imdsV1Allowed(stack, config)
    .filter((access) => access.optedOutAs)
    .map(({ resource, optedOutAs }) => violation(resource, `answers IMDSv1 because core.${optedOutAs}.allowImdsV1 is true`));
