/**
 * The one way every `npm run <command>` behaves: flags declared in a table, `--help` with a
 * one-line description and examples, unknown flags refused with a "did you mean" (exit 2), a hint
 * when npm kept the flags for itself (they were given without `--`), long problem lists capped,
 * no colour without a terminal or with NO_COLOR, and no HashiCorp checkpoint calls from cdktf or
 * Terraform. Commands stay thin: they parse here, call the library, and print.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { EnvironmentFilesError, formatIssues, type ConfigIssue } from '../config-generator/errors';
import { nearest } from '../config-generator/validate';

/** One flag of a command. Adding a flag to a command is one line in its table. */
export interface Flag {
  readonly type: 'string' | 'boolean';
  /** What the flag does, one line for --help. */
  readonly help: string;
  /** The value's placeholder in --help, e.g. NAME or FILE. @default VALUE */
  readonly value?: string;
  /** The flag may be given several times; its value is then a list. */
  readonly multiple?: boolean;
  /** A one-letter alias, e.g. y for --yes. */
  readonly short?: string;
}

export interface CommandSpec<F extends Record<string, Flag>> {
  /** The npm script, e.g. "deploy". */
  readonly name: string;
  /** One line: what the command does. */
  readonly summary: string;
  readonly flags: F;
  /** Whole command lines, e.g. "npm run deploy -- --env dev". The first is shown in hints. */
  readonly examples: readonly string[];
  /**
   * Verbs the command takes as its one bare argument (`npm run campaign -- --env bulk status`).
   * @default none: every value follows its flag
   */
  readonly verbs?: readonly string[];
}

type Values<F extends Record<string, Flag>> = {
  [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : F[K]['multiple'] extends true ? string[] : string;
};

/** A mistake in how the command was called: exits 2 with the message. */
export class UsageError extends Error {}

/** A refusal the command explains in full (wrong account, unknown environment): exits 1, no stack. */
export class Refusal extends Error {}

/** How many problems a list shows before it says how many more there are. */
export const MAX_LISTED = 10;

// The kit's commands run cdktf and Terraform, which otherwise ask checkpoint-api.hashicorp.com
// for news on every run: an offline machine prints a red [ERROR] line for it.
process.env.CHECKPOINT_DISABLE ??= '1';

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourOn(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
if (!colourOn(process.stdout) || !colourOn(process.stderr)) {
  // Children (cdktf, Terraform through chalk) and prompts' kleur, which knows no NO_COLOR, follow.
  process.env.FORCE_COLOR = '0';
  process.env.NODE_DISABLE_COLORS = '1';
}

const paint = (code: string, stream: NodeJS.WriteStream) => (text: string) => (colourOn(stream) ? `\x1b[${code}m${text}\x1b[0m` : text);
export const dim = paint('2', process.stdout);
export const bold = paint('1', process.stdout);

/** Whether the wizard can run: both ends are a terminal (its menus redraw the screen). */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** Whether a confirmation can be typed: stdin is a terminal (stdout may go through `tee`). */
export function canConfirm(): boolean {
  return Boolean(process.stdin.isTTY);
}

export function helpText<F extends Record<string, Flag>>(spec: CommandSpec<F>): string {
  const rows = Object.entries(spec.flags).map(([name, flag]) => {
    const left = `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    return [left, `${flag.help}${flag.multiple ? ', repeatable' : ''}`];
  });
  rows.push(['-h, --help', 'show this text']);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `${spec.summary}`,
    '',
    `Usage: npm run ${spec.name} -- [flags]`,
    '',
    ...(spec.verbs ? [`Verbs (one of): ${spec.verbs.join(', ')}`, ''] : []),
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    '',
    'Examples:',
    ...spec.examples.map((example) => `  ${example}`),
  ].join('\n');
}

/**
 * npm keeps flags placed before `--` for itself: `npm run deploy --env dev` sets
 * npm_config_env=true and passes "dev" on as a bare argument. Names the flags it kept, if any.
 */
function flagsNpmKept(spec: CommandSpec<Record<string, Flag>>, given: ReadonlySet<string>, env: NodeJS.ProcessEnv): string[] {
  if (env.npm_lifecycle_event !== spec.name) return [];
  // npm sets these of its own accord (its own configs): they say nothing about the user's flags.
  const npmOwn = new Set(['all', 'json', 'yes', 'force', 'help', 'dry-run', 'global']);
  return Object.keys(spec.flags).filter((name) => !npmOwn.has(name) && !given.has(name) && env[`npm_config_${name.replace(/-/g, '_')}`]);
}

/** Parses argv against the command's table; prints --help and exits; throws UsageError on a mistake. */
export function parseCommand<F extends Record<string, Flag>>(
  spec: CommandSpec<F>,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Values<F> & { readonly verb?: string } {
  const options = Object.fromEntries([
    ...Object.entries(spec.flags).map(([name, flag]) => [name, { type: flag.type, ...(flag.multiple ? { multiple: true } : {}), ...(flag.short ? { short: flag.short } : {}) }]),
    ['help', { type: 'boolean', short: 'h' }],
  ]) as NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  const names = Object.keys(options!);
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const given = new Set(tokens.filter((t) => t.kind === 'option').map((t) => (t as { name: string }).name));
  if (given.has('help')) {
    process.stdout.write(`${helpText(spec)}\n`);
    process.exit(0);
  }
  const seeHelp = `(npm run ${spec.name} -- --help lists them)`;
  const kept = flagsNpmKept(spec, given, env);
  const npmHint = kept.length > 0
    ? `\nnpm kept ${kept.map((k) => `--${k}`).join(', ')} for itself: flags go after "--", as in: ${spec.examples[0]}`
    : '';
  // Under npm, a bare argument is most often the value of a flag npm kept (one it cannot name).
  const underNpm = env.npm_lifecycle_event === spec.name && !npmHint ? '\nnpm keeps flags given before "--" and passes their values on: put them after "--"' : '';
  let verb: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'option' && !names.includes(token.name)) {
      const guess = nearest(token.name, names);
      throw new UsageError(`unknown flag ${token.rawName}${guess ? `: did you mean --${guess}?` : ''} ${seeHelp}`);
    }
    if (token.kind === 'positional' && spec.verbs && verb === undefined) {
      if (!spec.verbs.includes(token.value)) {
        const guess = nearest(token.value, [...spec.verbs]);
        throw new UsageError(`unknown verb "${token.value}"${guess ? `: did you mean ${guess}?` : ''}; the verbs are ${spec.verbs.join(', ')}`);
      }
      verb = token.value;
      continue;
    }
    if (token.kind === 'positional') {
      throw new UsageError(`unexpected argument "${token.value}": every value follows its flag, e.g. ${spec.examples[0]}${npmHint || underNpm}`);
    }
  }
  if (npmHint) throw new UsageError(npmHint.trim());
  if (spec.verbs && verb === undefined) throw new UsageError(`a verb is required: one of ${spec.verbs.join(', ')}, e.g. ${spec.examples[0]}`);
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: Boolean(spec.verbs) });
    return { ...(values as Values<F>), ...(verb === undefined ? {} : { verb }) };
  } catch (error) {
    // node's own wording, e.g. "Option '--env <value>' argument missing".
    throw new UsageError(`${(error as Error).message} ${seeHelp}`);
  }
}

/** Prints to stderr and exits: 2 for a usage mistake, 1 for a refusal or failure. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** Fails with a list of config problems, the first MAX_LISTED of them and the count of the rest. */
export function failIssues(issues: readonly ConfigIssue[], trailer: readonly string[] = []): never {
  fail([formatIssues(issues, MAX_LISTED), ...trailer].join('\n'));
}

/** Asks one line at the terminal. */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/**
 * Runs a command's main: a usage mistake exits 2, a config problem lists its issues (capped), a
 * known refusal (an error class the command names) prints its message; anything else is a bug
 * and keeps its stack.
 */
export function run(main: () => Promise<void> | void, refusals: readonly (new (...args: never[]) => Error)[] = []): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      if (error instanceof UsageError) fail(error.message, 2);
      if (error instanceof EnvironmentFilesError) failIssues(error.issues);
      if (error instanceof Refusal) fail(error.message);
      if (refusals.some((kind) => error instanceof kind)) fail((error as Error).message);
      fail((error as Error)?.stack ?? String(error));
    });
}
