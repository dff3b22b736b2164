/**
 * No infrastructure is replaced by a refactor: the six example environments synthesize to the
 * Terraform resource addresses recorded in addresses.snapshot.json, or every address that changed
 * is carried over by a `moved` block (CONVENTIONS 16). A new or removed resource is a real change
 * of infrastructure: record it on purpose with
 *
 *   PCM_UPDATE_ADDRESSES=1 npx jest test/stacks/addresses.test.ts
 *
 * and commit the snapshot with the change that caused it, so the diff shows it in review.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments } from '../../config-generator/loader';
import { EXAMPLE_NAMES } from '../support/examples';
import { synthesize, type StackJson } from '../support/synth';

const SNAPSHOT_FILE = join(__dirname, 'addresses.snapshot.json');
const UPDATE = process.env.PCM_UPDATE_ADDRESSES === '1';

/** Stack name -> its resource addresses (`<type>.<name>`), sorted. Data sources are read, never replaced, so they are left out. */
type Addresses = Record<string, string[]>;

/** The resource addresses of one synthesized stack. */
function addressesOf(stack: StackJson): string[] {
  const resources = (stack.resource ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(resources)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/** The `moved` blocks of one synthesized stack, as from -> to. */
function movesOf(stack: StackJson): Map<string, string> {
  const moved = (stack.moved ?? []) as { from: string; to: string }[];
  return new Map(moved.map((m) => [m.from, m.to]));
}

/**
 * What differs between the recorded and the synthesized addresses of one stack, once `moved`
 * blocks are taken into account: each problem names the address and what happens to it.
 */
function addressProblems(stackName: string, recorded: readonly string[], stack: StackJson): string[] {
  const now = new Set(addressesOf(stack));
  const before = new Set(recorded);
  const moves = movesOf(stack);
  const movedTo = new Set<string>();
  const problems: string[] = [];
  for (const address of before) {
    if (now.has(address)) continue;
    const to = moves.get(address);
    if (to && now.has(to) && !before.has(to)) movedTo.add(to);
    else problems.push(`${stackName}: ${address} is gone and no moved block carries it to a resource of the stack (Terraform would destroy it)`);
  }
  for (const address of now) {
    if (!before.has(address) && !movedTo.has(address)) problems.push(`${stackName}: ${address} is new (Terraform would create it)`);
  }
  return problems;
}

describe('Terraform addresses of the six examples', () => {
  const environments = loadEnvironments();
  const { stacks } = synthesize(environments);
  const synthesized: Addresses = Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((name) => [name, addressesOf(stacks[name])]),
  );

  if (UPDATE) writeFileSync(SNAPSHOT_FILE, `${JSON.stringify(synthesized, null, 2)}\n`);
  const recorded = JSON.parse(readFileSync(SNAPSHOT_FILE, 'utf8')) as Addresses;

  it('covers every stack of the six examples and no other', () => {
    const expected = EXAMPLE_NAMES.flatMap((env) => [`${env}-compute`, `${env}-data`]).sort();
    expect(Object.keys(recorded).sort()).toEqual(expected);
    expect(Object.keys(synthesized).sort()).toEqual(expected);
  });

  it('keeps every recorded address, or moves it with a moved block (PCM_UPDATE_ADDRESSES=1 records a deliberate change)', () => {
    const problems = Object.keys(recorded).flatMap((name) => (stacks[name] ? addressProblems(name, recorded[name], stacks[name]) : [`${name}: the stack is gone`]));
    expect(problems).toEqual([]);
    // Not an empty comparison: the examples hold hundreds of resources.
    expect(Object.values(recorded).flat().length).toBeGreaterThan(300);
  });
});

describe('addressProblems', () => {
  const stack = (names: string[], moved?: { from: string; to: string }[]): StackJson => ({
    resource: { aws_s3_bucket: Object.fromEntries(names.map((n) => [n, {}])) },
    ...(moved ? { moved } : {}),
  });

  it('accepts the same addresses', () => {
    expect(addressProblems('s', ['aws_s3_bucket.a', 'aws_s3_bucket.b'], stack(['a', 'b']))).toEqual([]);
  });

  it('fails when an address is renamed without a moved block', () => {
    expect(addressProblems('s', ['aws_s3_bucket.a'], stack(['b']))).toEqual([
      's: aws_s3_bucket.a is gone and no moved block carries it to a resource of the stack (Terraform would destroy it)',
      's: aws_s3_bucket.b is new (Terraform would create it)',
    ]);
  });

  it('accepts a rename that a moved block carries over', () => {
    expect(addressProblems('s', ['aws_s3_bucket.a'], stack(['b'], [{ from: 'aws_s3_bucket.a', to: 'aws_s3_bucket.b' }]))).toEqual([]);
  });

  it('fails when a moved block points at no resource of the stack', () => {
    expect(addressProblems('s', ['aws_s3_bucket.a'], stack(['b'], [{ from: 'aws_s3_bucket.a', to: 'aws_s3_bucket.c' }]))).toHaveLength(2);
  });

  it('fails when a resource is added', () => {
    expect(addressProblems('s', ['aws_s3_bucket.a'], stack(['a', 'b']))).toEqual(['s: aws_s3_bucket.b is new (Terraform would create it)']);
  });
});
