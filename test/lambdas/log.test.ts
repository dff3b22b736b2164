/** The handlers' structured log lines: one JSON object per line, tied to its invocation. */
import { consoleLogger, invocationLogger } from '../../lambdas/shared/log';
import { capturingLogger, consoleLines, lambdaContext } from './support/aws';

describe('structured logs', () => {
  it('writes one JSON object per line: timestamp, level, message first, then the fields', async () => {
    const before = Date.now();
    const { lines } = await consoleLines(async () => consoleLogger.log('info', 'job submitted', { messageId: 'm-1', jobId: 'job-1' }));
    expect(lines).toHaveLength(1);
    expect(Object.keys(lines[0])).toEqual(['timestamp', 'level', 'message', 'messageId', 'jobId']);
    expect(lines[0]).toMatchObject({ level: 'info', message: 'job submitted', messageId: 'm-1', jobId: 'job-1' });
    const at = Date.parse(lines[0].timestamp as string);
    expect(new Date(at).toISOString()).toBe(lines[0].timestamp);
    expect(at).toBeGreaterThanOrEqual(before);
  });

  it('keeps its own level, message and timestamp when a field has the same name', async () => {
    const { lines } = await consoleLines(async () => consoleLogger.log('warn', 'real', { level: 'debug', message: 'forged', timestamp: 'then', extra: 1 }));
    expect(lines).toEqual([{ timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'warn', message: 'real', extra: 1 }]);
  });

  it('writes warnings and errors through console.warn and console.error (their log levels in Lambda)', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      consoleLogger.log('warn', 'w');
      consoleLogger.log('error', 'e');
      expect(warn.mock.calls.map(([l]) => JSON.parse(l as string).message)).toEqual(['w']);
      expect(error.mock.calls.map(([l]) => JSON.parse(l as string).message)).toEqual(['e']);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it('tags every line of an invocation with its request id and function name, over a field of the same name', () => {
    const logger = capturingLogger();
    const log = invocationLogger(logger, lambdaContext('req-7', 'pcm-dev-staging-submit'));
    log.log('info', 'one', { requestId: 'stale', n: 1 });
    log.log('error', 'two');
    expect(logger.lines).toEqual([
      { level: 'info', message: 'one', fields: { requestId: 'req-7', functionName: 'pcm-dev-staging-submit', n: 1 } },
      { level: 'error', message: 'two', fields: { requestId: 'req-7', functionName: 'pcm-dev-staging-submit' } },
    ]);
  });

  it('names the function from AWS_LAMBDA_FUNCTION_NAME, and adds no request id, without a context', () => {
    const logger = capturingLogger();
    invocationLogger(logger, undefined, { AWS_LAMBDA_FUNCTION_NAME: 'pcm-dev-harikiri' }).log('info', 'x');
    invocationLogger(logger, undefined, {}).log('info', 'y');
    expect(logger.lines.map((l) => l.fields)).toEqual([{ functionName: 'pcm-dev-harikiri' }, {}]);
  });

  it('puts the request id right after the message on the console', async () => {
    const { lines } = await consoleLines(async () => invocationLogger(consoleLogger, lambdaContext('req-8', 'f')).log('info', 'm', { k: 'v' }));
    expect(Object.keys(lines[0])).toEqual(['timestamp', 'level', 'message', 'requestId', 'functionName', 'k']);
  });
});
