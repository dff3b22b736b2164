/**
 * npm run promote -- --from <env> --to <env> [--yes] [--dir DIR]
 *
 * Copies the release that `--from` last deployed successfully into `--to`'s config, keeping
 * everything account-specific; validates the result with every other environment, shows the
 * diff and writes atomically (asking first at a terminal; --yes without one).
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import { writeFileAtomic } from '../config-generator/write';
import { planPromotion, PromotionRefused } from '../lib/promote';

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, yes: { type: 'boolean' }, dir: { type: 'string' } } });
  if (!values.from || !values.to) fail('Usage: npm run promote -- --from <env> --to <env> [--yes] [--dir DIR]', 2);
  let plan;
  try {
    plan = planPromotion(resolve(values.dir ?? ENVIRONMENTS_DIR), values.from, values.to);
  } catch (error) {
    if (error instanceof PromotionRefused) fail(`promote refused: ${error.message}`);
    throw error;
  }
  if (plan.write.kind === 'unchanged') return void process.stdout.write(`${values.to} already has ${values.from}'s release; nothing to write\n`);
  if (plan.write.kind === 'change') process.stdout.write(`${plan.write.diff}\n`);
  if (!values.yes) {
    if (!process.stdin.isTTY) fail(`not written: without a terminal, --yes confirms the change above`, 2);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Write ${plan.path}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) fail('not written', 1);
  }
  writeFileAtomic(plan.path, plan.text);
  process.stdout.write(`promoted ${values.from}'s release into ${plan.path}\n`);
}

main().catch((error: Error) => fail(error.stack ?? String(error)));
