import { violation, type RuleCheck } from '../rule';
import { metadataAccess } from './imds';

/**
 * Tokens required on an image whose HySDS is not ready for them: its scripts call IMDS without a
 * token, get 401, and fail quietly (no worker joins, idle workers never leave).
 */
export const hysdsImdsReadiness: RuleCheck = ({ stack, config }) =>
  metadataAccess(stack, config)
    .filter((a) => a.tokensRequired && !a.ready)
    .map(({ resource, reason }) => violation(resource, `requires IMDS tokens, but ${reason}`));
