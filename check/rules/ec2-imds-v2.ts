import { violation, type RuleCheck } from '../rule';
import { metadataAccess } from './imds';

/** Where the image is ready for IMDSv2 only, tokens are required (unless the config opts out). */
export const ec2ImdsV2: RuleCheck = ({ stack, config }) =>
  metadataAccess(stack, config)
    .filter((a) => !a.tokensRequired && a.ready && !a.optedOutAs)
    .map(({ resource, reason }) => violation(resource, `metadata_options.http_tokens is not "required", though ${reason === 'no image of its own' ? 'it runs no HySDS image' : `the catalog says ${reason}`}`));
