/** Expected failures (exit codes the job definition lists) are never retried. */
import { expectedFailure } from '../../lib/campaign/campaign';

describe('expectedFailure', () => {
  const batchCause = (code: number) => JSON.stringify({ JobName: 'c', Status: 'FAILED', Container: { ExitCode: code, Reason: 'x' } });

  it("reads the exit code from Batch's job description and matches it to the listed codes", () => {
    expect(expectedFailure(batchCause(3), [3, 4])).toBe(true);
    expect(expectedFailure(batchCause(1), [3, 4])).toBe(false);
  });

  it('retries what is not a job description with an exit code (a timeout, a throttle, an array parent)', () => {
    expect(expectedFailure('States.Timeout', [3])).toBe(false);
    expect(expectedFailure(JSON.stringify({ StatusReason: 'Array Child Job failed' }), [3])).toBe(false);
    expect(expectedFailure(undefined, [3])).toBe(false);
    expect(expectedFailure(batchCause(3), [])).toBe(false);
  });
});
