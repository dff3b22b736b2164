/**
 * Ends a jest run with one plain line, "tests: N passed, N failed, N skipped", which CI reads
 * (jest's own summary is not in a form it knows). Written at exit so that it is the last line.
 *
 * A full run (no path, name, changed-files or shard filter) also records its wall time and its
 * ten slowest suites in .build/test-times.json (lib/test-times.ts), which `npm run bench` reports.
 * PCM_TEST_TIMES_FILE names another file and records any run there (a CI that splits the suite).
 */
const { mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

/** Whether jest was asked for the whole suite (as `npm test` and CI ask), not a part of it. */
function isFullRun(config) {
  return (
    !config.testPathPattern &&
    !config.testNamePattern &&
    !config.onlyChanged &&
    !config.onlyFailures &&
    !config.findRelatedTests &&
    !config.changedSince &&
    !config.shard &&
    !config.listTests &&
    !config.watch &&
    !config.watchAll
  );
}

/** The record of a finished run (see lib/test-times.ts). */
function testTimes(results, rootDir, endedAt) {
  const suites = results.testResults.map((suite) => ({
    suite: relative(rootDir, suite.testFilePath),
    seconds: Math.round((suite.perfStats.end - suite.perfStats.start) / 100) / 10,
  }));
  return {
    at: new Date(endedAt).toISOString(),
    seconds: Math.round((endedAt - results.startTime) / 100) / 10,
    tests: {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    },
    suites: results.numTotalTestSuites,
    slowest: suites.sort((a, b) => b.seconds - a.seconds).slice(0, 10),
  };
}

class SummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`;
    process.once('exit', () => process.stdout.write(`\n${line}`));
    this.recordTimes(results);
  }

  /** Writes .build/test-times.json after a full run (or PCM_TEST_TIMES_FILE after any run). */
  recordTimes(results) {
    const config = this.globalConfig ?? {};
    const file = process.env.PCM_TEST_TIMES_FILE || (isFullRun(config) && config.rootDir ? join(config.rootDir, '.build', 'test-times.json') : undefined);
    if (!file) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      // Through a temporary name: the bench never reads half a record.
      writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(testTimes(results, config.rootDir ?? process.cwd(), Date.now()), null, 2)}\n`);
      renameSync(`${file}.${process.pid}.tmp`, file);
    } catch (error) {
      // The record is a convenience for the bench: a failure to write it must not fail the tests.
      process.stderr.write(`could not record test times in ${file}: ${error.message}\n`);
    }
  }
}

module.exports = SummaryReporter;
module.exports.isFullRun = isFullRun;
module.exports.testTimes = testTimes;
