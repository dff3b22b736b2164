/**
 * Environment variables are a Lambda's only configuration, and they cross a boundary: a construct
 * in modules/ writes them at synthesis, a handler in lambdas/ reads them at its first invocation.
 * Each handler's variables are therefore declared once, as an environment contract
 * (`lambdas/<handler>/contract.ts`), that both sides import:
 *
 * - `contract.read(process.env)` parses every variable into a typed object, or throws one
 *   ConfigError naming every variable that is missing or malformed and what was expected. The
 *   handlers read lazily (never at import), so the error is the invocation's, not a crash of the
 *   runtime's module load.
 * - `contract.write(values)` makes the `environment` a construct gives the function. Its input
 *   type requires every variable the handler cannot do without and refuses keys the contract does
 *   not declare, so a construct can neither forget nor misspell one; and it parses each value that
 *   is known at synthesis with the reader's own parser, so a value the handler would refuse fails
 *   `cdktf synth` rather than the first invocation in AWS.
 *
 * Contracts nest: a member may be another contract (Mozart's connection, a job's settings), read
 * into a nested object and written from one. This file has no dependencies: constructs import it
 * at synthesis, and every Lambda bundle includes it.
 */

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** How a variable's text is checked and shown. */
export interface TextFormat<Out = string> {
  /** What a good value looks like, for messages: `a key prefix like "folder/"`. */
  readonly expected: string;
  /** The value of a text, or undefined when the text is not a good value. */
  readonly parse: (text: string) => Out | undefined;
  /** How a bad text is shown after the variable's name. @default is "<text>" */
  readonly shown?: (text: string) => string;
}

/**
 * One environment variable. `Out` is what the handler reads, `In` what the construct writes, and
 * `Needed` whether the construct must write it (a variable with a fallback, or an optional one,
 * may be left out).
 */
export interface Variable<Out, In, Needed extends boolean> {
  readonly kind: 'variable';
  readonly name: string;
  readonly needed: Needed;
  readonly format: TextFormat<Out>;
  /** The value when the variable is unset or blank; `undefined` from a needed variable is a problem. */
  readonly unset: () => Out | undefined;
  /** The text the construct writes for a value. */
  readonly text: (value: In) => string;
}

// The members' value types vary by member; `any` here is only the constraint that lets each
// contract infer its own exact types (readers and writers below are fully typed).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type AnyVariable = Variable<any, any, boolean>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type AnyContract = EnvironmentContract<any>;
type Member = AnyVariable | AnyContract;
export type ContractSpec = Readonly<Record<string, Member>>;

type ReadOf<M> = M extends Variable<infer Out, infer _In, infer _Needed> ? Out : M extends EnvironmentContract<infer S> ? Parsed<S> : never;
type WriteOf<M> = M extends Variable<infer _Out, infer In, infer _Needed> ? In : M extends EnvironmentContract<infer S> ? Values<S> : never;
type IsNeeded<M> = M extends Variable<infer _Out, infer _In, infer Needed> ? Needed : M extends EnvironmentContract<infer S> ? ([NeededKeys<S>] extends [never] ? false : true) : never;
type NeededKeys<S> = { [K in keyof S]: IsNeeded<S[K]> extends true ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Each member's variable name; a nested contract's, nested. */
export type Names<S extends ContractSpec> = { readonly [K in keyof S]: S[K] extends EnvironmentContract<infer N> ? Names<N> : string };

/** What `read` returns: every member parsed. */
export type Parsed<S extends ContractSpec> = { readonly [K in keyof S]: ReadOf<S[K]> };

/** What `write` takes: every needed member, and any of the others. */
export type Values<S extends ContractSpec> = Simplify<
  { readonly [K in NeededKeys<S>]: WriteOf<S[K]> } & { readonly [K in Exclude<keyof S, NeededKeys<S>>]?: WriteOf<S[K]> | undefined }
>;

/** Maps every key of V the contract does not declare (at any depth) to `never`, so it fails to compile. */
type Exactly<V, W> = {
  [K in keyof V]: K extends keyof W ? (V[K] extends readonly unknown[] ? V[K] : V[K] extends object ? Exactly<V[K], NonNullable<W[K]>> : V[K]) : never;
};

/** Where the values came from, per member: config field paths, shown in `write`'s errors. */
export type Sources<S extends ContractSpec> = { readonly [K in keyof S]?: S[K] extends EnvironmentContract<infer N> ? Sources<N> : string };

/** The value and the source a `write` problem names. */
interface Written {
  readonly name: string;
  readonly text: string;
  readonly source?: string;
}

/** A check across members (two prefixes that must not nest), run by `read` and, where it can, by `write`. */
interface ContractCheck<S extends ContractSpec> {
  /** The members it reads; `write` runs it only when all of them are known at synthesis. */
  readonly members: readonly (keyof S)[];
  /** A problem, or undefined. */
  readonly problem: (values: Parsed<S>) => string | undefined;
}

/** Terraform and cdktf tokens (`${TfToken[TOKEN.1]}`, `${aws_x.y.id}`): resolved at deploy, not checkable at synthesis. */
const isToken = (text: string): boolean => text.includes('${');

const shownText = (text: string): string => `is ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text)}`;

/**
 * Which contract wrote an environment: its title, the handler's name. A symbol and not enumerable,
 * so it never becomes a variable; BundledFunction refuses an environment its handler's contract
 * did not write.
 */
export const WRITTEN_BY: unique symbol = Symbol('written by environment contract');

/** A function's environment as a contract's `write` made it: the only kind BundledFunction takes. */
export type WrittenEnvironment = Readonly<Record<string, string>> & { readonly [WRITTEN_BY]: string };

/** What every contract offers whatever its members: for code over all the handlers (tests, rules). */
export interface AnyEnvironmentContract {
  readonly title: string;
  readonly variables: readonly { readonly name: string; readonly needed: boolean }[];
  read(env: Env): object;
}

export class EnvironmentContract<S extends ContractSpec> {
  readonly kind = 'contract';
  /** Every variable of the contract, nested ones included, in declaration order. */
  readonly variables: readonly AnyVariable[];
  /** Each member's variable name (nested contracts: their names). */
  readonly names: Names<S>;

  constructor(
    /** Names the contract in messages: the handler, or `Mozart's connection`. */
    readonly title: string,
    readonly spec: S,
    private readonly checks: readonly ContractCheck<S>[] = [],
  ) {
    this.variables = Object.values(spec).flatMap((m) => (m.kind === 'variable' ? [m] : m.variables));
    const seen = new Set<string>();
    for (const { name } of this.variables) {
      // Two members reading one variable would read the same text as two settings.
      if (seen.has(name)) throw new Error(`environment contract ${title}: variable ${name} is declared twice`);
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`environment contract ${title}: "${name}" is not a variable name`);
      seen.add(name);
    }
    this.names = Object.fromEntries(Object.entries(spec).map(([k, m]) => [k, m.kind === 'variable' ? m.name : m.names])) as Names<S>;
  }

  /**
   * This contract with a check across `members` (variables, not nested contracts): `problem`
   * returns what is wrong, or undefined. `read` runs it; `write` runs it when every one of the
   * members is known at synthesis, and names where they came from.
   */
  withCheck<K extends keyof S>(members: readonly K[], problem: (values: Pick<Parsed<S>, K>) => string | undefined): EnvironmentContract<S> {
    for (const k of members) if (this.spec[k].kind !== 'variable') throw new Error(`environment contract ${this.title}: a check reads variables, and ${String(k)} is a contract`);
    return new EnvironmentContract(this.title, this.spec, [...this.checks, { members, problem }]);
  }

  /** The handler's side: every variable parsed, or one ConfigError naming each problem. */
  read(env: Env): Parsed<S> {
    const problems: string[] = [];
    const parsed = this.parse(env, problems);
    if (problems.length > 0) throw new ConfigError(problems.join('\n'));
    return parsed;
  }

  /**
   * The construct's side: the function's `environment`. `sources` names where a value came from
   * (a config field path), so that a value the handler would refuse is reported against it.
   */
  write<V extends Values<S>>(values: V & Exactly<V, Values<S>>, sources: Sources<S> = {}): WrittenEnvironment {
    const out: Record<string, string> = {};
    const problems: string[] = [];
    this.writeInto(values, sources, out, problems);
    if (problems.length > 0) {
      throw new ConfigError(
        `${this.title}: the environment written for it is not one its handler accepts (each line: the variable, where its value came from, the value, and what the handler expects):\n${problems.map((p) => `  ${p}`).join('\n')}`,
      );
    }
    return Object.defineProperty(out, WRITTEN_BY, { value: this.title, enumerable: false }) as WrittenEnvironment;
  }

  private parse(env: Env, problems: string[]): Parsed<S> {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(this.spec)) {
      if (member.kind === 'contract') {
        result[key] = member.parse(env, problems);
        continue;
      }
      const raw = env[member.name];
      if (raw === undefined || raw.trim() === '') {
        const fallback: unknown = member.unset();
        if (fallback === undefined && member.needed) problems.push(`environment variable ${member.name} is not set; expected ${member.format.expected}`);
        result[key] = fallback;
        continue;
      }
      const value: unknown = member.format.parse(raw);
      if (value === undefined) problems.push(`environment variable ${member.name} ${(member.format.shown ?? shownText)(raw)}; expected ${member.format.expected}`);
      result[key] = value;
    }
    if (problems.length === 0) {
      for (const check of this.checks) {
        const problem = check.problem(result as Parsed<S>);
        if (problem !== undefined) problems.push(problem);
      }
    }
    return result as Parsed<S>;
  }

  private writeInto(values: Readonly<Record<string, unknown>>, sources: Readonly<Record<string, unknown>>, out: Record<string, string>, problems: string[]): void {
    // The types refuse these; this guards callers that cast (and plain JavaScript).
    for (const key of Object.keys(values)) if (!(key in this.spec)) problems.push(`${key}: not a member of ${this.title}'s contract (members: ${Object.keys(this.spec).join(', ')})`);
    const written = new Map<string, Written>();
    for (const [key, member] of Object.entries(this.spec)) {
      const value = values[key];
      const source = sources[key];
      if (member.kind === 'contract') {
        if (value === undefined && !isNeeded(member)) continue;
        member.writeInto((value ?? {}) as Readonly<Record<string, unknown>>, (source ?? {}) as Readonly<Record<string, unknown>>, out, problems);
        continue;
      }
      const from = typeof source === 'string' ? ` (from ${source})` : '';
      if (value === undefined) {
        if (member.needed) problems.push(`${member.name}${from}: not written; expected ${member.format.expected}`);
        continue;
      }
      const text = member.text(value);
      out[member.name] = text;
      if (isToken(text)) continue;
      if (text.trim() === '' || member.format.parse(text) === undefined) {
        problems.push(`${member.name}${from} ${text.trim() === '' ? 'is empty' : (member.format.shown ?? shownText)(text)}; expected ${member.format.expected}`);
        continue;
      }
      written.set(key, { name: member.name, text, ...(typeof source === 'string' ? { source } : {}) });
    }
    for (const check of this.checks) {
      // A check runs at synthesis only when every member it reads is known then.
      if (!check.members.every((k) => written.has(k as string))) continue;
      const picked = Object.fromEntries(check.members.map((k) => [k, (this.spec[k] as AnyVariable).format.parse(written.get(k as string)!.text)]));
      const problem = check.problem(picked as Parsed<S>);
      if (problem !== undefined) {
        const from = check.members.map((k) => written.get(k as string)!).filter((w) => w.source).map((w) => `${w.name} from ${w.source}`);
        problems.push(from.length > 0 ? `${problem} (${from.join(', ')})` : problem);
      }
    }
  }
}

function isNeeded(member: Member): boolean {
  return member.kind === 'variable' ? member.needed : member.variables.some((v) => v.needed);
}

/** A contract: its title (the handler's name, for messages) and its members, each a variable or a contract. */
export function environmentContract<S extends ContractSpec>(title: string, spec: S): EnvironmentContract<S> {
  return new EnvironmentContract(title, spec);
}

// ---- Variables --------------------------------------------------------------------------------

/** Any non-blank text. */
export const NON_EMPTY: TextFormat = { expected: 'a non-empty value', parse: (text) => (text.trim() === '' ? undefined : text) };

/** Text matching a pattern; `expected` says what it looks like. */
export const matching = (pattern: RegExp, expected: string, shown?: (text: string) => string): TextFormat => ({
  expected,
  parse: (text) => (pattern.test(text) ? text : undefined),
  ...(shown ? { shown } : {}),
});

/** An S3 key prefix: ending in "/" so that "cnm-r" cannot match "cnm-rx/", and relative. */
export const KEY_PREFIX: TextFormat = {
  expected: 'a key prefix like "folder/" (ending in "/", not starting with one)',
  parse: (text) => (text.endsWith('/') && !text.startsWith('/') ? text : undefined),
};

/** A text variable the handler cannot do without. */
export function required(name: string, format: TextFormat = NON_EMPTY): Variable<string, string, true> {
  return { kind: 'variable', name, needed: true, format, unset: () => undefined, text: (value) => value };
}

/** A text variable that may be unset: undefined then. */
export function optional(name: string, format: TextFormat = NON_EMPTY): Variable<string | undefined, string, false> {
  return { kind: 'variable', name, needed: false, format, unset: () => undefined, text: (value) => value };
}

/** A required S3 key prefix (KEY_PREFIX). */
export const keyPrefix = (name: string): Variable<string, string, true> => required(name, KEY_PREFIX);

/** A whole number within [min, max]; `fallback` when unset. */
export function integer(name: string, bounds: { readonly fallback: number; readonly min: number; readonly max: number }): Variable<number, number, false> {
  const { fallback, min, max } = bounds;
  if (!(Number.isInteger(fallback) && fallback >= min && fallback <= max)) throw new Error(`environment variable ${name}: the fallback ${fallback} is not a whole number from ${min} to ${max}`);
  return {
    kind: 'variable',
    name,
    needed: false,
    format: {
      expected: `a whole number from ${min} to ${max}`,
      parse: (text) => {
        const parsed = Number(text.trim());
        return Number.isInteger(parsed) && parsed >= min && parsed <= max ? parsed : undefined;
      },
    },
    unset: () => fallback,
    text: (value) => String(value),
  };
}

/** `true` or `false` (any case); `fallback` when unset. */
export function boolean(name: string, options: { readonly fallback: boolean }): Variable<boolean, boolean, false> {
  return {
    kind: 'variable',
    name,
    needed: false,
    format: {
      expected: 'true or false',
      parse: (text) => {
        const lower = text.trim().toLowerCase();
        return lower === 'true' ? true : lower === 'false' ? false : undefined;
      },
    },
    unset: () => options.fallback,
    text: (value) => String(value),
  };
}

/** A required, comma-separated list of at least one item, each matching `item`. */
export function list(name: string, item: { readonly pattern: RegExp; readonly expected: string }): Variable<readonly string[], readonly string[], true> {
  const split = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    kind: 'variable',
    name,
    needed: true,
    format: {
      expected: `a comma-separated list of at least one ${item.expected}`,
      parse: (text) => {
        const items = split(text);
        return items.length > 0 && items.every((i) => item.pattern.test(i)) ? items : undefined;
      },
    },
    unset: () => undefined,
    text: (value) => value.join(','),
  };
}
