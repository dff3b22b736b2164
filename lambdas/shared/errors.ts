/** An error that says what would have been right; its log line carries `expected`. */
export interface WithExpectation {
  readonly expected: string;
}

export function expectationOf(error: unknown): string | undefined {
  const expected = (error as Partial<WithExpectation> | undefined)?.expected;
  return typeof expected === 'string' ? expected : undefined;
}

/**
 * An input the handler cannot use: a message that is not what the contract says. It is still a
 * batch item failure (retried, then parked in the DLQ for a person to look at), never dropped;
 * the separate class only lets the log line say what was expected.
 */
export class BadInputError extends Error implements WithExpectation {
  constructor(
    message: string,
    /** What a good input looks like, for the person reading the DLQ. */
    readonly expected: string,
  ) {
    super(message);
    this.name = 'BadInputError';
  }
}
