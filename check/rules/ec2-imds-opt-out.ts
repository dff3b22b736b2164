import { violation, type RuleCheck } from '../rule';
import { metadataAccess } from './imds';

/** IMDSv1 left on, and why: an image not ready for IMDSv2 only, or the config's opt-out. */
export const ec2ImdsOptOut: RuleCheck = ({ stack, config }) =>
  metadataAccess(stack, config)
    .filter((a) => !a.tokensRequired && (!a.ready || a.optedOutAs))
    .map(({ resource, reason, optedOutAs }) => violation(resource, optedOutAs ? `answers IMDSv1 because ${optedOutAs} is true` : `answers IMDSv1 because ${reason}`));
