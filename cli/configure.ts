/**
 * npm run configure -- [--defaults] [--answers FILE] [--from FILE] [--set path=value ...]
 *                      [--out FILE] [--dir DIR] [--force | --yes]
 *
 * Writes a validated, commented environments/<env>.yaml. Asks at a terminal; without one it
 * needs --defaults, --answers or --from and fails at once otherwise. Writes nothing on Ctrl-C,
 * never half a file, and never over an existing file without --force or a confirmation.
 */
import { parseArgs } from 'node:util';
import prompts from 'prompts';
import { loadAmiCatalog } from '../amis/catalog';
import { parseSetFlags, readAnswersFile, coerceAnswer, parsePath } from '../config-generator/answers';
import { configureEnvironment } from '../config-generator/configure';
import { ConfigError, type ConfigIssue } from '../config-generator/errors';
import { readSources, validateSources } from '../config-generator/loader';
import type { PartialConfig } from '../config-generator/presets';
import type { Asker } from '../config-generator/wizard';
import { planWrite, writeFileAtomic } from '../config-generator/write';
import { callerIdentity } from '../lib/aws-identity';
import { resolve, dirname, basename } from 'node:path';

const USAGE = `Usage: npm run configure -- [options]

  --defaults            no questions: take every default; fail on what has none
  --answers FILE        no questions: answers from a YAML file shaped like an environment file
  --from FILE           no questions: start from an existing environment file (re-use it)
  --set path=value      set one field, e.g. --set aws.region=us-east-1 (repeatable; skips its question)
  --out FILE            write here instead of environments/<name>.yaml
  --dir DIR             folder of environment files (default: environments/)
  --force               overwrite an existing file without asking
  --yes                 same as --force
  --help                show this text`;

class Cancelled extends Error {}

function fail(lines: string[], code = 1): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(code);
}

function failIssues(issues: readonly ConfigIssue[]): never {
  fail([new ConfigError(issues).message]);
}

/** Shows a question with `prompts`; typed text is read the way the schema expects it. */
const promptsAsker: Asker = async (question) => {
  if (question.rejected) {
    process.stdout.write(`  ${question.path}: ${JSON.stringify(question.rejected.value)} is not valid: expected ${question.rejected.problem}\n`);
  }
  const path = parsePath(question.path);
  const read = (raw: string) => coerceAnswer(path, raw);
  const message = `${question.message} [${question.path}]`;
  let cancelled = false;
  const onCancel = () => {
    cancelled = true;
    return false;
  };
  if (question.input === 'select') {
    const choices = question.choices ?? [];
    const initial = Math.max(0, choices.findIndex((choice) => choice.value === question.initial));
    const { value } = await prompts({ type: 'select', name: 'value', message, choices: [...choices], initial }, { onCancel });
    if (cancelled) throw new Cancelled();
    return value;
  }
  const initial = Array.isArray(question.initial) ? question.initial.join(', ') : question.initial === undefined ? '' : String(question.initial);
  const { value } = await prompts(
    {
      type: 'text',
      name: 'value',
      message: question.input === 'list' ? `${message} (comma-separated)` : message,
      initial,
      validate: (raw: string) => {
        const check = question.validate(read(raw));
        return check === true ? true : `expected ${check}`;
      },
    },
    { onCancel },
  );
  if (cancelled) throw new Cancelled();
  return read(value);
};

async function confirm(message: string): Promise<boolean> {
  let cancelled = false;
  const { yes } = await prompts({ type: 'confirm', name: 'yes', message, initial: false }, { onCancel: () => ((cancelled = true), false) });
  if (cancelled) throw new Cancelled();
  return Boolean(yes);
}

function readFrom(file: string): PartialConfig {
  const source = readSources(dirname(resolve(file))).find((s) => resolve(s.file) === resolve(file));
  if (!source) fail([`${file}: no such environment file (--from takes a path like environments/dev.yaml)`]);
  const { environments, issues } = validateSources([source]);
  // A name that differs from the file is fine here: the new file takes its own name.
  const blocking = issues.filter((issue) => !(issue.path.join('.') === 'environment.name' && issue.expected.includes("file's name")));
  if (blocking.length > 0) failIssues(blocking);
  return (environments[0]?.config ?? {}) as PartialConfig;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseOptions>;
  try {
    args = parseOptions();
  } catch (error) {
    fail([(error as Error).message, '', USAGE], 2);
  }
  const { values } = args;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const batch = Boolean(values.defaults || values.answers || values.from);
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (!batch && !terminal) {
    fail(['configure: there is no terminal to ask questions on.', 'Give the answers instead: --defaults (with --set path=value), --answers FILE or --from FILE.'], 2);
  }

  const problems: ConfigIssue[] = [];
  const fromFile = values.answers ? readAnswersFile(values.answers) : { answers: {}, issues: [] };
  problems.push(...fromFile.issues);
  // At a terminal a bad --set value is quoted back and asked again (flags first); without one it is an error.
  const { sets, issues: setIssues } = parseSetFlags(values.set ?? [], { keepInvalid: !batch });
  problems.push(...setIssues);
  if (problems.length > 0) failIssues(problems);
  const from = values.from ? readFrom(values.from) : undefined;

  const accountGiven = Boolean(fromFile.answers.aws?.accountId || from?.aws?.accountId || sets.some((s) => s.path.join('.') === 'aws.accountId'));
  const caller = accountGiven ? undefined : await callerIdentity({ region: process.env.AWS_REGION });

  process.on('SIGINT', () => fail(['\nCancelled; nothing was written.'], 130));
  const result = await configureEnvironment({
    dir: values.dir,
    out: values.out,
    from,
    answers: fromFile.answers,
    sets,
    ask: batch ? undefined : promptsAsker,
    context: {
      catalog: loadAmiCatalog(),
      today: new Date().toISOString().slice(0, 10),
      callerAccountId: caller?.accountId,
      callerRegion: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    },
  });
  if (!result.ok) {
    const hint = result.issues.some((i) => i.file === '(answers)' && i.expected.startsWith('an answer'))
      ? ['', 'Give them with --set path=value or in an --answers file.']
      : [];
    fail([new ConfigError(result.issues).message, ...hint]);
  }

  const plan = planWrite(result.path, result.text);
  const name = basename(result.path);
  if (plan.kind === 'unchanged') {
    process.stdout.write(`${result.path}: unchanged\n`);
    return;
  }
  if (plan.kind === 'change' && !(values.force || values.yes)) {
    process.stdout.write(`${name} exists; writing would change it:\n${plan.diff}\n`);
    if (!terminal) fail([`Refusing to overwrite ${result.path} without --force.`]);
    if (!(await confirm(`Overwrite ${name}?`))) fail(['Not overwritten; nothing was written.']);
  }
  writeFileAtomic(result.path, result.text);
  process.stdout.write(`Wrote ${result.path}\n`);
}

function parseOptions() {
  return parseArgs({
    options: {
      defaults: { type: 'boolean' },
      answers: { type: 'string' },
      from: { type: 'string' },
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      dir: { type: 'string' },
      force: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
}

main().catch((error: unknown) => {
  if (error instanceof Cancelled) fail(['Cancelled; nothing was written.'], 130);
  fail([`configure failed: ${(error as Error).stack ?? String(error)}`]);
});
