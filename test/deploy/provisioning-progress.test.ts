/**
 * The deploy host follows provisioning through CloudWatch Logs, here moto's: the lines are the
 * ones the provisioning script writes (test/modules/provisioning-script.test.ts runs it), put
 * into a stream with the real SDK.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describeEvent, waitForProvisioning, type ProvisioningEvent } from '../../lib/deploy/provisioning-progress';
import { useEmulator } from '../lambdas/support/aws';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';

const withMoto = HAS_MOTO ? describe : describe.skip;
const GROUP = '/pcm/pcm-test/provisioning';

withMoto('waiting for provisioning', () => {
  let moto: Moto;
  let logs: CloudWatchLogsClient;
  let streams = 0;

  async function stream(lines: string[]): Promise<string> {
    const name = `i-0123456789abcdef0/${(++streams).toString(16).padStart(16, '0')}`;
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: name }));
    if (lines.length) await logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: name, logEvents: lines.map((message, i) => ({ timestamp: Date.now() + i, message })) }));
    return name;
  }

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    logs = new CloudWatchLogsClient({});
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  }, 90000);
  afterAll(async () => moto?.stop());

  it('ends when the run reports ok, printing one line per step with its time', async () => {
    const logStream = await stream(['RUN started', 'STEP wait-for-boot started', 'STEP wait-for-boot ok 95s', 'STEP write-config skipped', 'STEP update started', 'STEP update ok 301s', 'RUN ok']);
    const seen: ProvisioningEvent[] = [];
    expect(await waitForProvisioning(logs, { logGroup: GROUP, logStream, timeoutMs: 5000, pollMs: 10, onEvent: (e) => seen.push(e) })).toEqual({ ok: true });
    expect(seen.map(describeEvent).filter(Boolean)).toEqual(['  wait-for-boot    ok      95 s', '  write-config     done earlier', '  update           ok      301 s']);
  });

  it('fails naming the step, its error, and where the log is', async () => {
    const logStream = await stream(['RUN started', 'STEP ship started', "STEP ship failed 12s: sds ship failed: no space left on device", 'RUN failed at ship']);
    expect(await waitForProvisioning(logs, { logGroup: GROUP, logStream, timeoutMs: 5000, pollMs: 10 })).toEqual({
      ok: false,
      step: 'ship',
      reason: `step ship failed: sds ship failed: no space left on device (log group ${GROUP}, stream ${logStream})`,
    });
  });

  it('waits for a stream that does not exist yet, and gives up at the timeout with where to look', async () => {
    let clock = 0;
    const outcome = await waitForProvisioning(logs, { logGroup: GROUP, logStream: 'i-0123456789abcdef0/ffffffffffffffff', timeoutMs: 120000, now: () => clock, sleep: async (ms) => void (clock += ms) });
    expect(outcome).toEqual({ ok: false, reason: `provisioning did not finish within 2 minutes (log group ${GROUP}, stream i-0123456789abcdef0/ffffffffffffffff)` });
    expect(clock).toBeGreaterThanOrEqual(120000);
  });
});
