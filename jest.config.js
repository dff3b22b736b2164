/**
 * ts-jest without type checking (isolatedModules in tsconfig.json): `npm test` type-checks once with tsc first,
 * which is several times faster than checking every test file again (see DESIGN.md).
 */
// The AWS SDK warns on every client under Node 20 that releases after January 2027 need Node 22;
// the kit pins its SDK, so the warning says nothing here (workers inherit this environment).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // A guard against hangs, not a speed target (npm run bench has those): with four workers on two
  // cores a test that spawns a kit command can wait a while for its CPU.
  testTimeout: 90000,
  // Four workers on two cores: the three long suites start first (test/support/sequencer.js) and
  // mostly wait (on moto_server, Terraform and the AWS provider's consistency checks), so the
  // quick suites run beside them on the fourth instead of after them. PCM_TEST_WORKERS overrides
  // it (1 gives the old one-suite-at-a-time run).
  maxWorkers: Number(process.env.PCM_TEST_WORKERS ?? 4),
  testSequencer: '<rootDir>/test/support/sequencer.js',
  globalSetup: '<rootDir>/test/support/global-setup.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
