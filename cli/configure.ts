/**
 * npm run configure -- [--defaults] [--answers FILE] [--from FILE] [--set path=value ...]
 *                      [--out FILE] [--dir DIR] [--force | --yes]
 *
 * Writes a validated, commented environments/<env>.yaml. Asks at a terminal (each answer checked
 * as it is given, then a summary to confirm, then the next commands); without one it needs
 * --defaults, --answers or --from and fails at once otherwise. Re-running on an existing
 * environment edits its file: its values are the defaults and the diff comes at the end. Writes
 * nothing on Ctrl-C, never half a file, and never over an existing file without --force or a
 * confirmation.
 */
// First: it decides on colour before prompts (kleur) reads the environment, once, as it loads.
import { bold, dim, fail, failIssues, interactive, parseCommand, run } from './command';
import { basename, dirname, resolve } from 'node:path';
import prompts from 'prompts';
import { loadAmiCatalog } from '../amis/catalog';
import { coerceAnswer, parsePath, parseSetFlags, readAnswersFile } from '../config-generator/answers';
import { configureEnvironment } from '../config-generator/configure';
import type { ConfigIssue } from '../config-generator/errors';
import { readSources, validateSources } from '../config-generator/loader';
import type { PartialConfig } from '../config-generator/presets';
import { todayUtc } from '../config-generator/regions';
import type { EnvironmentConfig } from '../config-generator/schema';
import type { Asker } from '../config-generator/wizard';
import { planWrite, writeFileAtomic } from '../config-generator/write';
import { callerIdentity } from '../lib/aws-identity';
import { CONFIGURE as spec } from './specs';

/** Help lines stay within 80 columns (the narrowest terminal people use). */
const WIDTH = 80;
const fit = (text: string, width = WIDTH) => (text.length > width ? `${text.slice(0, width - 3)}...` : text);

/** Ctrl-C or Esc at a question: nothing is written (writes happen only after the last one). */
const cancel = (): never => fail('Cancelled; nothing was written.', 130);

/** Shows a question with `prompts`: a short title, a dim help line, the field's path. */
const promptsAsker: Asker = async (question) => {
  if (question.rejected) {
    process.stdout.write(`${wrap(`${JSON.stringify(question.rejected.value)} for ${question.path} is not valid: expected ${question.rejected.problem}`)}\n`);
  }
  process.stdout.write(`${dim(fit(`  ${question.help} [${question.path}]`))}\n`);
  const read = (raw: string) => coerceAnswer(parsePath(question.path), raw);
  let cancelled = false;
  const onCancel = () => {
    cancelled = true;
    return false;
  };
  const message = question.title;
  let value: unknown;
  if (question.input === 'confirm') {
    value = (await prompts({ type: 'confirm', name: 'value', message, initial: Boolean(question.initial) }, { onCancel })).value;
  } else if (question.input === 'select') {
    const choices = question.choices ?? [];
    const initial = Math.max(0, choices.findIndex((choice) => choice.value === question.initial));
    value = (await prompts({ type: 'select', name: 'value', message, choices: [...choices], initial }, { onCancel })).value;
  } else {
    const initial = Array.isArray(question.initial) ? question.initial.join(', ') : question.initial === undefined ? '' : typeof question.initial === 'string' ? question.initial : JSON.stringify(question.initial);
    const answer = await prompts(
      {
        type: 'text',
        name: 'value',
        message,
        initial,
        validate: (raw: string) => {
          const check = question.validate(read(raw));
          return check === true ? true : fit(`expected ${check}`, 400);
        },
      },
      { onCancel },
    );
    value = cancelled ? undefined : read(answer.value as string);
  }
  if (cancelled) cancel();
  return value;
};

async function confirm(message: string, initial: boolean): Promise<boolean> {
  let cancelled = false;
  const { yes } = (await prompts({ type: 'confirm', name: 'yes', message, initial }, { onCancel: () => ((cancelled = true), false) })) as { yes?: boolean };
  if (cancelled) cancel();
  return Boolean(yes);
}

function readFrom(file: string): PartialConfig {
  const source = readSources(dirname(resolve(file))).find((s) => resolve(s.file) === resolve(file));
  if (!source) fail(`${file}: no such environment file (--from takes a path like environments/dev.yaml)`);
  const { environments, issues } = validateSources([source]);
  // A name that differs from the file is fine here: the new file takes its own name.
  const blocking = issues.filter((issue) => !(issue.path.join('.') === 'environment.name' && issue.expected.includes("file's name")));
  if (blocking.length > 0) failIssues(blocking);
  return (environments[0]?.config ?? {});
}

/** What the answers came to, in a dozen lines that fit 80 columns. */
function summary(file: string, c: EnvironmentConfig): string {
  const rows: [string, string][] = [
    ['environment', `${c.environment.name} (${c.environment.kind}), project ${c.project}`],
    ['account', `${c.aws.accountId} in ${c.aws.region}${c.aws.sharesAccountWith ? `, shared with ${c.aws.sharesAccountWith.join(', ')}` : ''}`],
    ['deploy role', c.aws.deployRoleArn],
    ['network', `${c.network.vpcId}, ${c.network.privateSubnetIds.length} subnet(s), operators ${c.network.operatorCidrs.join(', ')}`],
    ['release', `PCM ${c.release.pcmRelease}, HySDS ${c.release.hysdsVersion}, AMIs ${c.release.amiRelease ?? 'overridden'}`],
    ['DAAC', c.cnm.daac ? `account ${c.cnm.daac.accountId}, ${c.cnm.daac.cnmS.stream} CNM-S stream` : 'no delivery'],
    ['CNES', c.cnm.cnes ? `account ${c.cnm.cnes.accountId}, every ${c.cnm.cnes.batchIntervalMinutes} min` : 'no exchange'],
    ['workers', c.workers.queues.map((q) => `${q.name} (up to ${q.max})`).join(', ')],
    ['protection', `${c.protection.deletionProtection ? 'deletion protection' : 'no deletion protection'}${c.protection.lifetime ? `, expires on ${c.protection.lifetime.expiresOn}` : ''}`],
  ];
  return [bold(`Summary of ${file}`), ...rows.map(([k, v]) => fit(`  ${k.padEnd(12)} ${v}`))].join('\n');
}

function nextSteps(name: string, dir: string | undefined): string {
  const where = dir ? ` --dir ${dir}` : '';
  const steps = [
    [`npm run check -- --env ${name}${where}`, '# the guard rails'],
    [`npm run bootstrap -- --env ${name}${where}`, '# state bucket, once'],
    [`npm run deploy -- --env ${name}${where} --plan`, '# what would change'],
  ];
  const width = Math.max(...steps.map(([command]) => command.length));
  return ['Next:', ...steps.map(([command, why]) => `  ${command.padEnd(width)}  ${dim(why)}`)].join('\n');
}

/** Words wrapped to 80 columns, each line indented. */
function wrap(text: string, indent = '  '): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.trim() !== '' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = `${indent}  ${word}`;
    } else line = line.trim() === '' ? `${indent}${word}` : `${line} ${word}`;
  }
  return [...lines, line].join('\n');
}

run(async () => {
  const values = parseCommand(spec);
  const batch = Boolean(values.defaults || values.answers || values.from);
  const terminal = interactive();
  if (!batch && !terminal) {
    fail('configure: there is no terminal to ask questions on.\nGive the answers instead: --defaults (with --set path=value), --answers FILE or --from FILE.', 2);
  }

  const problems: ConfigIssue[] = [];
  const fromFile = values.answers ? readAnswersFile(values.answers) : { answers: {}, issues: [] };
  problems.push(...fromFile.issues);
  // At a terminal a bad --set value of a question is quoted back and asked again (flags first);
  // the wizard refuses the others before its first question.
  const { sets, issues: setIssues } = parseSetFlags(values.set ?? [], { keepInvalid: !batch });
  problems.push(...setIssues);
  if (problems.length > 0) failIssues(problems);
  const from = values.from ? readFrom(values.from) : undefined;

  const accountGiven = Boolean(fromFile.answers.aws?.accountId || from?.aws?.accountId || sets.some((s) => s.path.join('.') === 'aws.accountId'));
  const caller = accountGiven ? undefined : await callerIdentity({ region: process.env.AWS_REGION });

  process.on('SIGINT', () => fail('\nCancelled; nothing was written.', 130));
  const result = await configureEnvironment({
    dir: values.dir,
    out: values.out,
    from,
    answers: fromFile.answers,
    sets,
    ask: batch ? undefined : promptsAsker,
    context: {
      catalog: loadAmiCatalog(),
      today: todayUtc(),
      callerAccountId: caller?.accountId,
      callerRegion: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    },
  });
  if (!result.ok) {
    const hint = result.issues.some((i) => i.file === '(answers)' && i.expected.startsWith('an answer')) ? ['', 'Give them with --set path=value or in an --answers file.'] : [];
    failIssues(result.issues, hint);
  }

  const plan = planWrite(result.path, result.text);
  const name = basename(result.path);
  const asked = !batch;
  if (asked) process.stdout.write(`\n${summary(name, result.config)}\n`);
  if (plan.kind === 'unchanged') {
    process.stdout.write(`${result.path}: unchanged\n`);
    if (asked) process.stdout.write(`\n${nextSteps(result.config.environment.name, values.dir)}\n`);
    return;
  }
  if (plan.kind === 'change' && !(values.force || values.yes)) {
    process.stdout.write(`\n${name} exists; writing would change it:\n${plan.diff}\n`);
    if (!terminal) fail(`Refusing to overwrite ${result.path} without --force.`);
    if (!(await confirm(`Overwrite ${name}?`, false))) fail('Not overwritten; nothing was written.');
  } else if (plan.kind === 'create' && asked && !(values.force || values.yes)) {
    if (!(await confirm(`Write ${name}?`, true))) fail('Not written; nothing was written.');
  }
  writeFileAtomic(result.path, result.text);
  process.stdout.write(`Wrote ${result.path}\n`);
  if (asked) process.stdout.write(`\n${nextSteps(result.config.environment.name, values.dir)}\n`);
});
