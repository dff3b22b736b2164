/**
 * The environment's customer-managed KMS key: every bucket, topic, queue and stream of the
 * environment is encrypted with it. Rotation is always on.
 */
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import type { Naming } from './naming';

export interface EnvironmentKeyProps {
  readonly naming: Naming;
  /**
   * Keep the key through `terraform destroy` (ops-like data must outlive its stack).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Days a deleted key can still be recovered.
   * @default 30 when preventDestroy, else 7 (the AWS minimum)
   */
  readonly deletionWindowDays?: number;
}

export class EnvironmentKey extends Construct {
  readonly key: KmsKey;
  /** The key's ARN, for policies and encryption settings. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    const { naming } = props;
    const account = naming.identity.accountId;

    this.key = new KmsKey(this, 'key', {
      description: `pcm-deploy ${naming.venue}: data at rest`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? (props.preventDestroy ? 30 : 7),
      // The account administers its key through IAM; the data stack adds service and
      // cross-account grants. Without this statement the key could become unmanageable.
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministersKeyThroughIam',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      }),
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    new KmsAlias(this, 'alias', { name: naming.kmsAlias(), targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
