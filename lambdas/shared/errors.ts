/**
 * An input the handler cannot use: a message that is not what the contract says. It is still a
 * batch item failure (retried, then parked in the DLQ for a person to look at), never dropped;
 * the separate class only lets the log line say what was expected.
 */
export class BadInputError extends Error {
  constructor(
    message: string,
    /** What a good input looks like, for the person reading the DLQ. */
    readonly expected: string,
  ) {
    super(message);
    this.name = 'BadInputError';
  }
}
