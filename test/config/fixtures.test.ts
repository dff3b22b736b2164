/**
 * The test fixture fleet (test/support/fixtures.ts) is a valid set and shares no operator value
 * with the shipped examples: a test that passes on the fleet cannot be leaning on an example.
 */
import { loadEnvironments } from '../../config-generator/loader';
import { FIXTURE, FIXTURE_NAMES, fixtureEnvironments, fixtureProblems } from '../support/fixtures';

describe('test fixture fleet', () => {
  it('is one valid set, one environment per kind named after it, in the order the loader reads files', () => {
    expect(fixtureProblems()).toEqual([]);
    expect(fixtureEnvironments().map((e) => [e.config.environment.name, e.config.environment.kind])).toEqual(FIXTURE_NAMES.map((n) => [n, n]));
  });

  it("shares no account, release or DAAC principal with the examples, so editing an example cannot change what a fixture test sees", () => {
    const examples = loadEnvironments().map((e) => e.config);
    const exampleValues = new Set(
      examples.flatMap((c) => [c.aws.accountId, c.release.pcmRelease, c.cnm.daac?.accountId, c.cnm.cnes?.accountId, ...(c.cnm.daac?.publisherPrincipals ?? [])]),
    );
    const fixtureValues = [...Object.values(FIXTURE.accounts), FIXTURE.release, FIXTURE.candidateRelease, FIXTURE.daacPublisher];
    expect(fixtureValues.filter((v) => exampleValues.has(v))).toEqual([]);
  });
});
