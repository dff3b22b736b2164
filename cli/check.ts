/**
 * npm run check -- --env <env> | --all [--json] [--dir DIR]
 *
 * Synthesizes the environment(s) and applies the rule pack (check/pack.ts) to the Terraform
 * JSON. Exits 1 on any error-level finding that no suppression in the config covers (or on a
 * wrong suppression), 0 otherwise; warnings and suppressions are shown, never fatal.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkEnvironments } from '../check/check-environments';
import { RULES } from '../check/pack';
import { formatReport, reportJson } from '../check/report';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import { parseCommand, run, UsageError } from './command';
import { CHECK as spec } from './specs';
import { loadAll, select } from './environments';

run(() => {
  const args = parseCommand(spec);
  if (args.rules) {
    for (const rule of RULES) process.stdout.write(`${rule.id.padEnd(10)} ${rule.level.padEnd(7)} ${rule.info}\n`);
    return;
  }
  if (!args.env === !args.all) throw new UsageError('give exactly one of --env <env> or --all');
  const all = loadAll(resolve(args.dir ?? ENVIRONMENTS_DIR));
  const selected = select(all, args.all ? undefined : args.env);
  const report = checkEnvironments(all, selected);
  if (args.out) writeFileSync(args.out, reportJson(report, RULES));
  process.stdout.write(args.json ? reportJson(report, RULES) : formatReport(report, RULES));
  process.exitCode = report.errors > 0 ? 1 : 0;
});
