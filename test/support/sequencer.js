/**
 * The order jest starts suites in. With two or more workers the run lasts at least as long as its
 * longest suite, so the long ones (minutes against moto_server and Terraform, mostly waiting on
 * them) start first and the quick ones fill the other workers around them. jest orders by the
 * durations of its last run when it has them; a clean clone (CI) has none and would order by file
 * size, which puts a several-minute suite last. The list below is measured (npm run bench prints the
 * slowest suites of the last full run); a suite missing from it only starts later, it still runs.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** Longest first, from the last full runs on a 2-core machine. */
const SLOW_FIRST = [
  'test/cli/deploy.test.ts',
  'test/stacks/emulated-deploy.test.ts',
  'test/lambdas/cnes-batcher-backlog.test.ts',
  'test/campaign/emulated-runs.test.ts',
  'test/emulator/moto-launcher.test.ts',
  'test/campaign/demo-campaign.test.ts',
  'test/campaign/retry-runs.test.ts',
  'test/stacks/terraform-validate.test.ts',
  'test/campaign/cli.test.ts',
  'test/config/configure-cli.test.ts',
  'test/cli/commands.test.ts',
];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const i = SLOW_FIRST.findIndex((suffix) => test.path.endsWith(suffix));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    // jest's own order (last run's durations, else size) among the rest.
    const byJest = super.sort(tests);
    return [...byJest].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowFirstSequencer;
