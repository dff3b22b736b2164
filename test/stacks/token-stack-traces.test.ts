/** Synthesis without cdktf's per-token stack traces: same JSON, no traces, restored afterwards. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lazy } from 'cdktf';
import { synthesizeTo } from '../../stacks/synthesize';
import { TOKEN_STACK_TRACES_VARIABLE, tokenStackTracesReplaceable, withoutTokenStackTraces } from '../../stacks/token-stack-traces';
import { fixtureEnvironments } from '../support/fixtures';

/** The creation stack cdktf recorded for a new token. */
function lazyStack(): string[] {
  const token = Lazy.anyValue({ produce: () => 'x' });
  // Lazy.anyValue returns the token object itself; its recorded stack is what cdktf would print.
  return (token as unknown as { creationStack: string[] }).creationStack;
}

describe('token stack traces', () => {
  it('are where this cdktf keeps them (an upgrade that moves them fails here, not silently slower)', () => {
    expect(tokenStackTracesReplaceable()).toBe(true);
    expect(lazyStack().length).toBeGreaterThan(0);
  });

  it('are not captured inside, captured again after, also when the work throws', () => {
    expect(withoutTokenStackTraces(() => lazyStack())).toEqual([]);
    expect(lazyStack().length).toBeGreaterThan(0);
    expect(() =>
      withoutTokenStackTraces(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(lazyStack().length).toBeGreaterThan(0);
  });

  it(`are kept with ${TOKEN_STACK_TRACES_VARIABLE}=1, for debugging a token error`, () => {
    expect(withoutTokenStackTraces(() => lazyStack(), { [TOKEN_STACK_TRACES_VARIABLE]: '1' }).length).toBeGreaterThan(0);
  });

  it('change nothing in the synthesized JSON', () => {
    const environments = fixtureEnvironments();
    const ops = environments.filter((e) => e.config.environment.name === 'ops');
    const without = synthesizeTo(mkdtempSync(join(tmpdir(), 'pcm-traces-')), ops, { peers: environments });
    const previous = process.env[TOKEN_STACK_TRACES_VARIABLE];
    process.env[TOKEN_STACK_TRACES_VARIABLE] = '1';
    try {
      const withTraces = synthesizeTo(mkdtempSync(join(tmpdir(), 'pcm-traces-')), ops, { peers: environments });
      expect(without.map((s) => s.name)).toEqual(withTraces.map((s) => s.name));
      without.forEach((stack, i) => expect(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')).toBe(readFileSync(join(withTraces[i].dir, 'cdk.tf.json'), 'utf8')));
    } finally {
      if (previous === undefined) delete process.env[TOKEN_STACK_TRACES_VARIABLE];
      else process.env[TOKEN_STACK_TRACES_VARIABLE] = previous;
    }
  });
});
