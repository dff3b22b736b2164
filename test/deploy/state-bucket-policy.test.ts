/** The state bucket's policy (written by bootstrap through the SDK) holds to the kit's own TLS-only rule. */
import type { RuleContext } from '../../check/rule';
import { s3TlsOnly } from '../../check/rules/s3-tls-only';
import { StackView } from '../../check/stack-view';
import { tlsOnlyPolicy } from '../../lib/state-bucket';

/** The state bucket as a stack the check reads; s3TlsOnly looks at nothing but the stack. */
function check(policy: object) {
  const stack = new StackView('bootstrap', {
    resource: {
      aws_s3_bucket: { state: { bucket: 'pcm-tfstate-111111111111' } },
      aws_s3_bucket_policy: { state: { bucket: '${aws_s3_bucket.state.id}', policy: JSON.stringify(policy) } },
    },
  });
  return s3TlsOnly({ stack, environment: [stack] } as Partial<RuleContext> as RuleContext);
}

describe('state bucket policy', () => {
  it('denies plain HTTP for everyone, as the check (S3 TLS-only) requires of every bucket', () => {
    expect(check(tlsOnlyPolicy('pcm-tfstate-111111111111'))).toEqual([]);
    expect(tlsOnlyPolicy('b').Statement[0].Resource).toEqual(['arn:aws:s3:::b', 'arn:aws:s3:::b/*']);
  });

  it('fails the same check once the deny is gone (the check can fail)', () => {
    expect(check({ Version: '2012-10-17', Statement: [] })).toEqual([expect.objectContaining({ problem: 'bucket policy has no deny on aws:SecureTransport false' })]);
  });
});
