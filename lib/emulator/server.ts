/**
 * A moto_server (the local AWS emulator) on a free loopback port: the demo's and the tests' AWS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { Agent as HttpsAgent, get as httpsGet } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { forkEmulator, type ForkedProcess } from './fork-server';
import type { AwsCredentialIdentity } from '@smithy/types';

/**
 * How to start the emulator: moto's server through lib/emulator/moto-launcher.py (the same server
 * with a documented per-request speed-up) when the Python that has moto runs it, else plain
 * `moto_server`. PCM_MOTO_PYTHON names that Python (default: python3).
 */
let command: { readonly file: string; readonly args: readonly string[] } | undefined;
export function emulatorCommand(env: NodeJS.ProcessEnv = process.env): { readonly file: string; readonly args: readonly string[] } {
  if (command) return command;
  const python = env.PCM_MOTO_PYTHON || 'python3';
  const launcher = join(__dirname, 'moto-launcher.py');
  const usable = spawnSync(python, ['-c', 'import moto.backends, moto.server'], { stdio: 'ignore' }).status === 0;
  command = usable ? { file: python, args: [launcher] } : { file: 'moto_server', args: [] };
  return command;
}

/** Whether moto_server can be started on this machine. */
export function hasEmulator(): boolean {
  return spawnSync('moto_server', ['--help'], { encoding: 'utf8' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Emulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** @default a free loopback port */
  readonly port?: number;
  /**
   * Serve HTTPS with moto's own throwaway certificate. Needed wherever bucket policies deny
   * plain HTTP, since moto evaluates bucket policies (aws:SecureTransport included).
   * @default false
   */
  readonly tls?: boolean;
  /** @default 60000 (a loaded two-core machine can take most of that to start it) */
  readonly timeoutMs?: number;
  /**
   * Images the emulator knows from the start in every region (the kit's pre-built AMIs, which
   * the emulator cannot register under their real ids otherwise). @default moto's own
   */
  readonly amis?: readonly EmulatedAmi[];
  /**
   * Settings POSTed to moto's configuration API (`/moto-api/config`) once it answers, e.g.
   * `{stepfunctions: {execute_state_machine: true}}` to run state machines. @default none
   */
  readonly config?: Record<string, unknown>;
}

/** A pre-built AMI as moto loads it at start (MOTO_AMIS_PATH). */
export interface EmulatedAmi {
  readonly amiId: string;
  readonly name: string;
  readonly description: string;
}

function amisFile(amis: readonly EmulatedAmi[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pcm-moto-')), 'amis.json');
  const entries = amis.map((a) => ({
    ami_id: a.amiId,
    state: 'available',
    public: true,
    owner_id: '123456789012',
    image_location: `pcm-deploy/${a.name}`,
    root_device_type: 'ebs',
    root_device_name: '/dev/xvda',
    description: a.description,
    image_type: 'machine',
    architecture: 'x86_64',
    name: a.name,
    virtualization_type: 'hvm',
    hypervisor: 'xen',
  }));
  writeFileSync(file, JSON.stringify(entries));
  return file;
}

/** Starts moto_server and waits until it answers. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // AWS-managed policies (SSM, the ECS agent's) exist in every real account.
    MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
    ...(options.amis ? { MOTO_AMIS_PATH: amisFile(options.amis) } : {}),
  };
  const { file, args } = emulatorCommand();
  const emulatorArgs = ['-H', '127.0.0.1', '-p', String(port), ...(options.tls ? ['--ssl'] : [])];
  // Forked from the launcher's fork server where it runs (lib/emulator/fork-server.ts), else spawned.
  const running = (file !== 'moto_server' && (await forkEmulator(file, args, emulatorArgs, env))) || spawned(file, [...args, ...emulatorArgs], env);
  const endpoint = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60000);
  for (;;) {
    try {
      if (await answers(`${endpoint}/moto-api/`)) break;
    } catch {
      // not listening yet
    }
    const exited = !running.alive();
    if (exited || Date.now() > deadline) {
      await running.stop();
      throw new Error(`moto_server did not start on ${endpoint}${exited ? ' (it exited; is the port taken?)' : ' within the timeout'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (options.config) await configure(endpoint, options.config);
  return { endpoint, stop: () => running.stop() };
}

/** An emulator spawned as a child process of its own. */
function spawned(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Pick<ForkedProcess, 'alive' | 'stop'> {
  const child = spawn(file, args, { stdio: 'ignore', env });
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return {
    alive: () => !exited,
    stop: async () => {
      if (!exited) child.kill();
      await gone;
    },
  };
}

/** POSTs moto's configuration API; moto answers 201 with the whole configuration. */
async function configure(endpoint: string, config: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify(config), headers: { 'content-type': 'application/json' } });
  if (!response.ok) throw new Error(`moto_server refused its configuration (${response.status}): ${await response.text()}`);
}

/** Whether a GET of `url` answers 200 (trusting the emulator's own certificate). */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    get(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    }).on('error', reject);
  });
}

/**
 * AWS SDK client settings for the emulator: its endpoint, fake credentials unless given, and a
 * handler that accepts its throwaway certificate (HTTP/1.1 also for Kinesis, whose client
 * otherwise speaks HTTP/2, which moto does not).
 */
export function emulatorClientConfig(endpoint: string, region: string, credentials: AwsCredentialIdentity = EMULATOR_CREDENTIALS) {
  return {
    endpoint,
    region,
    credentials,
    forcePathStyle: true,
    requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsAgent({ rejectUnauthorized: false }) }),
  };
}

/**
 * Credentials the emulator accepts. They are fake on purpose: the emulator never sees real ones.
 * The account they act in is moto's default; stacks reach their own accounts by assuming roles.
 */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
