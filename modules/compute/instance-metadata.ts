/**
 * How an instance or launch template answers the instance metadata service (IMDS).
 *
 * Session tokens (IMDSv2) are required exactly where the image's HySDS works with them: stock
 * HySDS scripts (the verdi bootstrap, harikiri_sqs.py, spot_termination_detector.py) call IMDS
 * without a token, get 401 when tokens are required, and fail quietly. The AMI catalog's build
 * metadata says which images are ready; everywhere else IMDSv1 stays on, and `npm run check`
 * shows that exception with its reason (PCM-EC2-4).
 */
import type { ImdsReadiness } from '../../amis/catalog';

export interface MetadataPolicy {
  readonly tokensRequired: boolean;
  /** Why, for people reading the code or the check report. */
  readonly reason: string;
}

/**
 * The policy for an image: tokens required where it is ready, unless the config opts out
 * (core.<component>.allowImdsV1, for an image whose own agents are older than its catalog entry).
 */
export function metadataPolicy(image: ImdsReadiness, optOut?: { readonly setting: string }): MetadataPolicy {
  if (optOut) return { tokensRequired: false, reason: `${optOut.setting} is true` };
  return { tokensRequired: image.v2Only, reason: image.reason };
}

/** The metadata_options block for a policy. */
export function metadataOptions(policy: MetadataPolicy, hopLimit: number) {
  return {
    httpEndpoint: 'enabled',
    httpTokens: policy.tokensRequired ? 'required' : 'optional',
    // Containers (HySDS jobs, Batch tasks) are one hop further from the metadata service.
    httpPutResponseHopLimit: hopLimit,
  };
}
