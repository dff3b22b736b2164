/**
 * npm run demo [-- --parallel N]
 *
 * The kit's main job on a local default: starts moto_server (the local AWS emulator) on a free
 * loopback port, gives each of the six example environments an emulated account with what its
 * administrators would provide (deploy role, network) and what bootstrap creates (state bucket),
 * deploys every environment's two stacks into its own account through `cdktf deploy` and the
 * kit's account guard, prints each environment's operator URLs and a summary, and stops the
 * emulator. Offline: Terraform's AWS provider comes from PCM_PROVIDER_MIRROR (found in the usual
 * places when unset).
 */
import '../lib/aws-sdk-quiet';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { catalogImages, loadAmiCatalog } from '../amis/catalog';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import { demoCampaignStep } from '../lib/campaign/demo-campaign';
import { DEMO_TIMES_FILE, type DemoTimes } from '../lib/demo-times';
import { deployEnvironment, urlTable, type DeployOutcome } from '../lib/deploy/deploy-environment';
import { prepareEmulatedEnvironments } from '../lib/emulator/environments';
import { hasEmulator, startEmulator } from '../lib/emulator/server';
import { inPool } from '../lib/pool';
import { findProviderMirror } from '../lib/provider-mirror';
import { PROVIDER_MIRROR_VARIABLE, terraformVersion } from '../lib/terraform-cli';
import { fail, parseCommand, run, UsageError } from './command';
import { followRun, stdoutProgress } from './progress';
import { DEMO as spec } from './specs';
import { loadAll } from './environments';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a .cjs helper with no type declarations; its shape is asserted here
const { appBundle } = require('../lib/precompiled-app.cjs') as { appBundle: () => Promise<unknown> };

async function main(): Promise<void> {
  const args = parseCommand(spec);
  // Deploys mostly wait on the provider's consistency checks, so all six at once finish sooner
  // than two waves of three, even on two cores (measured: issue 15's note in the README).
  const parallel = Number(args.parallel ?? 6);
  if (!Number.isInteger(parallel) || parallel < 1) throw new UsageError(`--parallel: expected a whole number >= 1, found ${args.parallel}`);

  const started = Date.now();
  const environments = loadAll(ENVIRONMENTS_DIR);
  if (!hasEmulator()) fail('moto_server is not installed: the demo deploys into it (pip install "moto[server]", or your distribution\'s package)');
  if (!(await terraformVersion())) fail('terraform is not on PATH: the demo deploys with it (Terraform >= 1.10)');
  if (!process.env[PROVIDER_MIRROR_VARIABLE]) {
    const mirror = findProviderMirror();
    if (mirror) process.env[PROVIDER_MIRROR_VARIABLE] = mirror;
    process.stdout.write(mirror ? `provider mirror: ${mirror}\n` : `no ${PROVIDER_MIRROR_VARIABLE} set or found: Terraform will try its registry\n`);
  }

  const emulator = await startEmulator({ tls: true, amis: catalogImages(loadAmiCatalog()) });
  process.stdout.write(`AWS emulator: ${emulator.endpoint}\n`);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-demo-'));
    // The campaign runs in emulators of its own (lib/campaign/demo-campaign.ts), so it runs beside
    // the deploys, which mostly wait; its lines are printed after the deploy summary.
    const bulk = environments.find((e) => e.config.environment.kind === 'bulk');
    const campaignLines: string[] = [];
    const campaignStarted = Date.now();
    const campaign = bulk
      ? demoCampaignStep(bulk.config, (line) => campaignLines.push(line)).then((ok) => ({ ok, seconds: (Date.now() - campaignStarted) / 1000 }))
      : Promise.resolve(undefined);
    let campaignDone = false;
    void campaign.finally(() => (campaignDone = true));
    const [prepared] = await Promise.all([
      prepareEmulatedEnvironments(emulator.endpoint, environments, ENVIRONMENTS_DIR, dir),
      // The precompiled app, built once before six `cdktf deploy` runs start at once.
      appBundle(),
    ]);
    process.stdout.write(`${prepared.length} emulated accounts ready (deploy role, network, state bucket); environment files in ${dir}\n`);

    // One progress line per stack of the environments being deployed; each its own log file.
    const view = stdoutProgress();
    const outcomes = await inPool(prepared, parallel, async ({ name, credentials }): Promise<DeployOutcome> => {
      const config = environments.find((e) => e.config.environment.name === name)!.config;
      view.print(`deploying ${name} into account ${config.aws.accountId} ...`);
      const followed = followRun(view, name, 'deploy', [`${name}-data`, `${name}-compute`]);
      const outcome = await deployEnvironment({ config, environmentsDir: dir, target: { endpoint: emulator.endpoint }, credentials, onOutput: followed.onOutput });
      const logPath = followed.end(outcome.ok);
      view.print(`${name}: ${outcome.ok ? 'deployed' : 'FAILED'} in ${outcome.seconds.toFixed(0)} s${outcome.ok || !logPath ? '' : `; full Terraform log in ${logPath}`}`);
      return outcome;
    });
    view.stop();

    const rows = [['environment', 'kind', 'account', 'stacks', 'resources applied', 'seconds', 'outcome']];
    prepared.forEach(({ name }, i) => {
      const config = environments.find((e) => e.config.environment.name === name)!.config;
      const o = outcomes[i];
      if (o.ok) process.stdout.write(`\n${name} (account ${config.aws.accountId}):\n${urlTable(o.operatorUrls)}\n`);
      rows.push([name, config.environment.kind, config.aws.accountId, `${name}-data, ${name}-compute`, String(o.resourcesChanged), o.seconds.toFixed(0), o.ok ? 'deployed' : 'failed']);
    });
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    process.stdout.write(`\n${rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n')}\n`);
    const failed = outcomes.filter((o) => !o.ok).length;
    const deploySeconds = (Date.now() - started) / 1000;
    process.stdout.write(`\n${outcomes.length - failed} of ${outcomes.length} environments deployed into the emulator in ${deploySeconds.toFixed(0)} s.\n`);
    process.stdout.write(
      'Provisioning was NOT run: the emulator has no SSM agent and cannot create State Manager associations, so no HySDS started and the operator URLs above were not probed. ' +
        'The provisioning document, cluster config object, credentials secret and log group were deployed; the provisioning script itself is tested with bash (test/modules/provisioning-script.test.ts).\n',
    );
    if (!campaignDone) process.stdout.write('\nthe campaign is still running ...\n');
    const campaignOutcome = await campaign;
    process.stdout.write(`${campaignLines.join('\n')}\n`);
    const totalSeconds = (Date.now() - started) / 1000;
    process.stdout.write(`\nThe demo took ${totalSeconds.toFixed(0)} s.\n`);
    // What npm run bench reports as the demo's times.
    const record: DemoTimes = {
      at: new Date().toISOString(),
      parallel,
      totalSeconds,
      deploySeconds,
      ...(campaignOutcome ? { campaignSeconds: campaignOutcome.seconds } : {}),
      environments: Object.fromEntries(prepared.map(({ name }, i) => [name, { seconds: outcomes[i].seconds, resources: outcomes[i].resourcesChanged, ok: outcomes[i].ok }])),
    };
    mkdirSync(dirname(DEMO_TIMES_FILE), { recursive: true });
    writeFileSync(DEMO_TIMES_FILE, `${JSON.stringify(record, null, 2)}\n`);
    if (failed > 0 || campaignOutcome?.ok === false) process.exitCode = 1;
  } finally {
    await emulator.stop();
  }
}

run(main);
