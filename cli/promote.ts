/**
 * npm run promote -- --from <env> --to <env> [--yes] [--dir DIR]
 *
 * Copies the release that `--from` last deployed successfully into `--to`'s config, keeping
 * everything account-specific; validates the result with every other environment, shows the
 * diff and writes atomically (asking first at a terminal; --yes without one).
 */
import { resolve } from 'node:path';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import { writeFileAtomic } from '../config-generator/write';
import { planPromotion, PromotionRefused } from '../lib/promote';
import { ask, canConfirm, fail, parseCommand, Refusal, run, UsageError } from './command';
import { PROMOTE as spec } from './specs';

run(async () => {
  const args = parseCommand(spec);
  if (!args.from || !args.to) throw new UsageError(`--from and --to are required: which environment's release goes where`);
  let plan;
  try {
    plan = planPromotion(resolve(args.dir ?? ENVIRONMENTS_DIR), args.from, args.to);
  } catch (error) {
    if (error instanceof PromotionRefused) throw new Refusal(`promote refused: ${error.message}`);
    throw error;
  }
  if (plan.write.kind === 'unchanged') return void process.stdout.write(`${args.to} already has ${args.from}'s release; nothing to write\n`);
  if (plan.write.kind === 'change') process.stdout.write(`${plan.write.diff}\n`);
  if (!args.yes) {
    if (!canConfirm()) fail(`not written: without a terminal, --yes confirms the change above`, 2);
    const answer = await ask(`Write ${plan.path}? [y/N] `);
    if (!/^y(es)?$/i.test(answer)) fail('not written', 1);
  }
  writeFileAtomic(plan.path, plan.text);
  process.stdout.write(`promoted ${args.from}'s release into ${plan.path}\n`);
});
