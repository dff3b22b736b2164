/**
 * npm run campaign -- --env <env> <verb> [flags]
 *
 *   start  --name N --inventory s3://b/k.csv --job <batch job definition | job-<type>:<release>> [--queue Q]
 *          [--chunk N] [--concurrency N] [--tolerate PCT] [--attempts N] [--output s3://b/{id}.h5]
 *   status --name N [--watch]
 *   retry  --name N [--limit N]   (starts the retry state machine; at most 1000 rows a run)
 *   verify --name N
 *   cancel --name N [--execution ARN]
 *   report --name N [--format csv|json]
 *
 * Thin: parses flags, calls lib/campaign, prints. Bad input is refused before anything starts.
 */
import '../lib/aws-sdk-quiet';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { resolve } from 'node:path';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import { cancelCampaign, retryCampaign, startCampaign, startRetry, startVerify, status, verifyCampaign, type Engine } from '../lib/campaign/campaign';
import { VERIFY_PAGE_MAX, VERIFY_PAGES_PER_RUN } from '../modules/campaign/verify-definition';
import { emulatedChunker } from '../lib/campaign/emulated-engine';
import { findStateMachine } from '../lib/campaign/executions';
import { InventoryError } from '../lib/campaign/inventory';
import { CampaignExistsError, CampaignNotFoundError, ledgerRows, reportLines } from '../lib/campaign/ledger';
import { renderStatus } from '../lib/campaign/render';
import { CampaignInputError, resolveCampaign } from '../lib/campaign/spec';
import { clientConfig } from '../lib/deploy/aws-clients';
import { campaignNames } from '../modules/campaign/names';
import { RETRY_LIMIT_MAX, RETRY_SCHEDULE } from '../modules/campaign/retry-definition';
import { Naming } from '../modules/naming';
import { awsTargetFrom } from '../stacks/aws-target';
import { parseCommand, run, UsageError } from './command';
import { loadOne } from './environments';
import { CAMPAIGN } from './specs';

type Verb = (typeof CAMPAIGN.verbs)[number];

run(async () => {
  try {
    await main();
  } catch (error) {
    // Bad input named by the library: a usage mistake (exit 2), never a stack trace.
    if (error instanceof CampaignInputError || error instanceof InventoryError || error instanceof CampaignExistsError || error instanceof CampaignNotFoundError) throw new UsageError(error.message);
    throw error;
  }
});

async function main(): Promise<void> {
  const { verb: given, ...values } = parseCommand(CAMPAIGN);
  const verb = given as Verb;
  if (!values.env) throw new UsageError('--env is required: the environment whose campaign engine to use');
  const config = loadOne(resolve(values.dir ?? ENVIRONMENTS_DIR), values.env);
  const file = `environments/${config.environment.name}.yaml`;

  // Everything about the request is checked before any AWS call.
  const spec = verb === 'start' ? resolveCampaign(config, values, file) : undefined;
  if (verb !== 'start') {
    if (!config.campaigns?.enabled) throw new UsageError(`${file}: campaigns.enabled is not true, so this environment has no campaign engine`);
    if (!values.name) throw new UsageError('--name is required: which campaign');
  }
  if (values.format && !['csv', 'json'].includes(values.format)) throw new UsageError(`--format ${values.format}: csv or json`);
  if (values.limit && !(/^[1-9]\d*$/.test(values.limit) && Number(values.limit) <= RETRY_LIMIT_MAX)) throw new UsageError(`--limit ${values.limit}: a whole number from 1 to ${RETRY_LIMIT_MAX} (rows one retry run takes, within Step Functions' quotas)`);

  const target = awsTargetFrom(process.env);
  const region = config.aws.region;
  const naming = Naming.of(config);
  const names = campaignNames(naming);
  const aws = clientConfig(target, region);
  const sfn = new SFNClient(aws);
  const s3 = new S3Client(aws);
  const engine: Engine = {
    db: new DynamoDBClient(aws),
    s3,
    sfn,
    table: names.ledgerTable,
    bucket: naming.bucket('dataset'),
    // In the emulator the account differs from the config's: find the machine by its name.
    stateMachineArn: target.endpoint ? await emulatedStateMachine(sfn, names.stateMachine) : names.stateMachineArn,
    // The emulator may lack it (an engine made by hand): retry is then the library's pass.
    retryStateMachineArn: target.endpoint ? await findStateMachine(sfn, names.retryStateMachine) : names.retryStateMachineArn,
    // Likewise: without one, verify is the library's loop from this machine.
    verifyStateMachineArn: target.endpoint ? await findStateMachine(sfn, names.verifyStateMachine) : names.verifyStateMachineArn,
    batchName: names.batch,
    // The emulator runs the emulated definition, which reads the inventory as chunks (moto rejects ItemBatcher).
    ...(target.endpoint ? { chunkInventory: emulatedChunker(s3, naming.bucket('dataset')) } : {}),
  };
  const name = values.name!;
  const started = Date.now() - 1000;
  const out = (line: string): void => void process.stdout.write(`${line}\n`);

  switch (verb) {
    case 'start': {
      const started = await startCampaign(engine, spec!);
      out(`started ${spec!.name}: ${started.items} items in chunks of ${spec!.limits.chunkSize}, ${spec!.limits.concurrency} at once\nexecution ${started.executionArn}`);
      return;
    }
    case 'status': {
      for (;;) {
        const current = await status(engine, name);
        const line = renderStatus(current, new Date());
        if (!values.watch || current.phase !== 'running') {
          out(line);
          return;
        }
        // Rewrites one line at a terminal; one line per poll otherwise.
        process.stdout.write(process.stdout.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
    case 'retry': {
      if (engine.retryStateMachineArn) {
        const limit = values.limit ? Number(values.limit) : RETRY_LIMIT_MAX;
        const arn = await startRetry(engine, name, { limit, backoffSeconds: RETRY_SCHEDULE.backoffSeconds });
        out(`retry run started: it takes up to ${limit} failed or missing rows, abandons those at their attempt limit or with an expected exit code, and starts the next pass after a jittered wait of up to ${RETRY_SCHEDULE.backoffSeconds} s\nexecution ${arn}`);
        return;
      }
      const pass = await retryCampaign(engine, name, { limit: values.limit ? Number(values.limit) : undefined });
      out(pass.retried ? `retry pass ${pass.attempt}: ${pass.retried} rows resubmitted, ${pass.abandoned} abandoned at their attempt limit\nexecution ${pass.executionArn}` : `nothing to retry; ${pass.abandoned} rows abandoned at their attempt limit`);
      return;
    }
    case 'verify': {
      if (engine.verifyStateMachineArn) {
        const arn = await startVerify(engine, name, { pageSize: VERIFY_PAGE_MAX, pagesPerRun: VERIFY_PAGES_PER_RUN });
        out(`verify run started: it checks each succeeded row's expected output, ${VERIFY_PAGE_MAX * VERIFY_PAGES_PER_RUN} rows an execution, and marks the rows whose output is missing; status shows its progress\nexecution ${arn}`);
        if (!values.wait) return;
        // Follows the summary, which every verify execution (and those it continues as) updates.
        for (;;) {
          const current = await status(engine, name);
          if (current.verify?.phase === 'finished' && current.verify.at && Date.parse(current.verify.at) >= started) {
            out(`verified ${current.verify.checked} succeeded rows: ${current.missing} outputs missing${current.missing ? `; npm run campaign -- --env ${config.environment.name} retry --name ${name}` : ''}`);
            return;
          }
          const execution = await engine.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
          if (execution.status === 'FAILED' || execution.status === 'TIMED_OUT' || execution.status === 'ABORTED') throw new Error(`the verify run ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trim());
          await new Promise((r) => setTimeout(r, 5000));
        }
      }
      const result = await verifyCampaign(engine, name);
      out(`verified ${result.checked} succeeded rows: ${result.missing.length} outputs missing${result.missing.length ? ` (${result.missing.slice(0, 10).join(', ')}${result.missing.length > 10 ? ', ...' : ''}); npm run campaign -- --env ${config.environment.name} retry --name ${name}` : ''}`);
      return;
    }
    case 'cancel': {
      await cancelCampaign(engine, name, values.execution);
      out(`cancelled ${name}`);
      return;
    }
    case 'report': {
      for await (const line of reportLines(ledgerRows(engine.db, engine.table, name), (values.format ?? 'csv') as 'csv' | 'json')) out(line);
      return;
    }
  }
}

async function emulatedStateMachine(sfn: SFNClient, name: string): Promise<string> {
  const arn = await findStateMachine(sfn, name);
  if (!arn) throw new CampaignNotFoundError(`no state machine ${name}: deploy the environment with campaigns.enabled first`);
  return arn;
}
