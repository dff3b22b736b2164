/**
 * ts-jest without type checking (isolatedModules in tsconfig.json): `npm test` type-checks once with tsc first,
 * which is several times faster than checking every test file again (see DESIGN.md).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
