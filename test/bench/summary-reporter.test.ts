/** The jest summary reporter's record of a full run (.build/test-times.json), which the bench reports. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestTimes } from '../../lib/test-times';

interface SuiteResult {
  testFilePath: string;
  perfStats: { start: number; end: number };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS jest reporter with no type declarations; its shape is asserted here
const Reporter = require('../support/summary-reporter.js') as {
  new (config: object): { recordTimes(results: object): void };
  isFullRun(config: object): boolean;
  testTimes(results: object, rootDir: string, endedAt: number): TestTimes;
};

const suite = (path: string, seconds: number): SuiteResult => ({ testFilePath: `/repo/${path}`, perfStats: { start: 1000, end: 1000 + seconds * 1000 } });
const results = (suites: SuiteResult[]) => ({
  startTime: 1_000_000,
  numPassedTests: 40,
  numFailedTests: 1,
  numRuntimeErrorTestSuites: 1,
  numPendingTests: 3,
  numTodoTests: 1,
  numTotalTestSuites: suites.length,
  testResults: suites,
});

describe('summary reporter: test times', () => {
  it('counts only a run of the whole suite as full', () => {
    const full = { testPathPattern: '', onlyChanged: false, watch: false, watchAll: false, findRelatedTests: false, listTests: false, onlyFailures: false };
    expect(Reporter.isFullRun(full)).toBe(true);
    expect(Reporter.isFullRun({ ...full, testPathPattern: 'test/stacks' })).toBe(false);
    expect(Reporter.isFullRun({ ...full, testNamePattern: 'synth' })).toBe(false);
    expect(Reporter.isFullRun({ ...full, shard: { shardIndex: 1, shardCount: 2 } })).toBe(false);
    expect(Reporter.isFullRun({ ...full, onlyChanged: true })).toBe(false);
  });

  it('records wall time, counts and the ten slowest suites, slowest first', () => {
    const suites = Array.from({ length: 12 }, (_, i) => suite(`test/s${i}.test.ts`, i + 1));
    const times = Reporter.testTimes(results(suites), '/repo', 1_000_000 + 612_400);
    expect(times).toMatchObject({ at: new Date(1_612_400).toISOString(), seconds: 612.4, tests: { passed: 40, failed: 2, skipped: 4 }, suites: 12 });
    expect(times.slowest).toHaveLength(10);
    expect(times.slowest[0]).toEqual({ suite: 'test/s11.test.ts', seconds: 12 });
    expect(times.slowest[9]).toEqual({ suite: 'test/s2.test.ts', seconds: 3 });
  });

  it('writes the record where PCM_TEST_TIMES_FILE says, for a run that is not full', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pcm-times-')), 'times.json');
    const previous = process.env.PCM_TEST_TIMES_FILE;
    process.env.PCM_TEST_TIMES_FILE = file;
    try {
      new Reporter({ testPathPattern: 'test/bench', rootDir: '/repo' }).recordTimes(results([suite('test/a.test.ts', 2)]));
    } finally {
      if (previous === undefined) delete process.env.PCM_TEST_TIMES_FILE;
      else process.env.PCM_TEST_TIMES_FILE = previous;
    }
    const times = JSON.parse(readFileSync(file, 'utf8')) as TestTimes;
    expect(times.slowest).toEqual([{ suite: 'test/a.test.ts', seconds: 2 }]);
  });
});
