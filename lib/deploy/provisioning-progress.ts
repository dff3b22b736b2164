/**
 * Following provisioning on mozart from the deploy host: the script (modules/compute/templates/
 * provision.sh.hbs) reports each step to a CloudWatch Logs stream, `<instance id>/<config digest>`;
 * this reads those lines back as typed events and waits for the run's end.
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PROVISIONING_STEPS, type ProvisioningStep } from '../../modules/compute/hysds-provisioning';

export type ProvisioningEvent =
  | { readonly kind: 'run'; readonly state: 'started' | 'ok' }
  | { readonly kind: 'run'; readonly state: 'failed'; readonly step: ProvisioningStep }
  | { readonly kind: 'step'; readonly step: ProvisioningStep; readonly state: 'started' | 'skipped' }
  | { readonly kind: 'step'; readonly step: ProvisioningStep; readonly state: 'ok'; readonly seconds: number }
  | { readonly kind: 'step'; readonly step: ProvisioningStep; readonly state: 'failed'; readonly seconds: number; readonly detail: string };

/** The compute stack's `provisioning_run` output: where the run reports, and how long to wait. */
export interface ProvisioningRun {
  readonly logGroup: string;
  readonly logStream: string;
  readonly document: string;
  /** Empty where no association was created (the emulator). */
  readonly associationId: string;
  readonly timeoutMinutes: number;
}

export function provisioningRunOf(output: unknown): ProvisioningRun | undefined {
  const o = output as Partial<Record<'log_group' | 'log_stream' | 'document' | 'association_id' | 'timeout_minutes', unknown>> | undefined;
  if (!o || typeof o.log_group !== 'string' || typeof o.log_stream !== 'string') return undefined;
  return {
    logGroup: o.log_group,
    logStream: o.log_stream,
    document: typeof o.document === 'string' ? o.document : '',
    associationId: typeof o.association_id === 'string' ? o.association_id : '',
    timeoutMinutes: Number(o.timeout_minutes) || 90,
  };
}

const isStep = (name: string): name is ProvisioningStep => (PROVISIONING_STEPS as readonly string[]).includes(name);

/** One log line of the script as an event; undefined for a line that is not one. */
export function parseProvisioningEvent(line: string): ProvisioningEvent | undefined {
  let m = /^RUN (started|ok)\b/.exec(line);
  if (m) return { kind: 'run', state: m[1] as 'started' | 'ok' };
  m = /^RUN failed at (\S+)$/.exec(line);
  if (m && isStep(m[1])) return { kind: 'run', state: 'failed', step: m[1] };
  m = /^STEP (\S+) (started|skipped)$/.exec(line);
  if (m && isStep(m[1])) return { kind: 'step', step: m[1], state: m[2] as 'started' | 'skipped' };
  m = /^STEP (\S+) ok (\d+)s$/.exec(line);
  if (m && isStep(m[1])) return { kind: 'step', step: m[1], state: 'ok', seconds: Number(m[2]) };
  m = /^STEP (\S+) failed (\d+)s: ?(.*)$/.exec(line);
  if (m && isStep(m[1])) return { kind: 'step', step: m[1], state: 'failed', seconds: Number(m[2]), detail: m[3].trim() };
  return undefined;
}

/** A step's line for people: `  ship                 ok      12 s`. */
export function describeEvent(event: ProvisioningEvent): string | undefined {
  if (event.kind === 'run') return undefined;
  const name = event.step.padEnd(16);
  switch (event.state) {
    case 'started':
      return undefined;
    case 'skipped':
      return `  ${name} done earlier`;
    case 'ok':
      return `  ${name} ok      ${event.seconds} s`;
    case 'failed':
      return `  ${name} FAILED  ${event.seconds} s: ${event.detail}`;
  }
}

export interface ProvisioningWatch {
  readonly logGroup: string;
  readonly logStream: string;
  readonly timeoutMs: number;
  /** @default 10 s */
  readonly pollMs?: number;
  /** Each event as it arrives (the CLI prints describeEvent of it). */
  readonly onEvent?: (event: ProvisioningEvent) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type ProvisioningOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly step?: ProvisioningStep; readonly reason: string };

/** Reads the run's stream until it ends, fails, or the timeout passes. */
export async function waitForProvisioning(logs: CloudWatchLogsClient, watch: ProvisioningWatch): Promise<ProvisioningOutcome> {
  const now = watch.now ?? Date.now;
  const sleep = watch.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + watch.timeoutMs;
  const where = `log group ${watch.logGroup}, stream ${watch.logStream}`;
  let token: string | undefined;
  let lastFailure: { step: ProvisioningStep; detail: string } | undefined;
  for (;;) {
    try {
      const page = await logs.send(new GetLogEventsCommand({ logGroupName: watch.logGroup, logStreamName: watch.logStream, startFromHead: true, nextToken: token }));
      token = page.nextForwardToken ?? token;
      for (const { message } of page.events ?? []) {
        const event = parseProvisioningEvent(message ?? '');
        if (!event) continue;
        watch.onEvent?.(event);
        if (event.kind === 'step' && event.state === 'failed') lastFailure = { step: event.step, detail: event.detail };
        if (event.kind === 'run' && event.state === 'ok') return { ok: true };
        if (event.kind === 'run' && event.state === 'failed') {
          return { ok: false, step: event.step, reason: `step ${event.step} failed${lastFailure?.step === event.step ? `: ${lastFailure.detail}` : ''} (${where})` };
        }
      }
    } catch (error) {
      // The stream appears when the script starts on mozart; until then there is nothing to read.
      if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    }
    if (now() >= deadline) return { ok: false, reason: `provisioning did not finish within ${Math.round(watch.timeoutMs / 60000)} minutes (${where})` };
    await sleep(watch.pollMs ?? 10000);
  }
}
