/**
 * npm run check -- --env <env> | --all [--json] [--dir DIR]
 *
 * Synthesizes the environment(s) and applies the rule pack (check/pack.ts) to the Terraform
 * JSON. Exits 1 on any error-level finding that no suppression in the config covers (or on a
 * wrong suppression), 0 otherwise; warnings and suppressions are shown, never fatal.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkEnvironments } from '../check/check-environments';
import { RULES } from '../check/pack';
import { formatReport, reportJson } from '../check/report';
import { ConfigError } from '../config-generator/errors';
import { ENVIRONMENTS_DIR, loadEnvironments } from '../config-generator/loader';
import { ENV_SELECTOR, selectEnvironments, UnknownEnvironmentError } from '../stacks/app';

const USAGE = `Usage: npm run check -- (--env <env> | --all) [options]

  --env NAME     the environment to check (a file environments/<NAME>.yaml)
  --all          every environment file
  --json         the report as JSON on stdout, for machines
  --out FILE     also write the JSON report to FILE
  --rules        list the rules and exit
  --dir DIR      folder of environment files (default: environments/)
  --help         show this text`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function main(): void {
  let args;
  try {
    args = parseArgs({
      options: {
        env: { type: 'string' },
        all: { type: 'boolean' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        rules: { type: 'boolean' },
        dir: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  if (args.help) return void process.stdout.write(`${USAGE}\n`);
  if (args.rules) {
    for (const rule of RULES) process.stdout.write(`${rule.id.padEnd(10)} ${rule.level.padEnd(7)} ${rule.info}\n`);
    return;
  }
  if (!args.env === !args.all) fail(`give exactly one of --env <env> or --all\n\n${USAGE}`, 2);

  let all, selected;
  try {
    all = loadEnvironments(resolve(args.dir ?? ENVIRONMENTS_DIR));
    selected = selectEnvironments(all, args.all ? undefined : args.env);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownEnvironmentError) fail(error.message.replace(`${ENV_SELECTOR}=`, '--env '));
    throw error;
  }
  const report = checkEnvironments(all, selected);
  if (args.out) writeFileSync(args.out, reportJson(report, RULES));
  process.stdout.write(args.json ? reportJson(report, RULES) : formatReport(report, RULES));
  process.exitCode = report.errors > 0 ? 1 : 0;
}

main();
