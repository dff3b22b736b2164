/**
 * Emulator processes forked by one long-lived `moto-launcher.py --fork-server` per Node process,
 * instead of a fresh Python each: every fresh one spent about a CPU-second importing moto, Flask
 * and the launcher's patches before it served a request, and a test run starts some ninety. The
 * protocol (one JSON request line in, one process id line out) is the launcher's; see its
 * "Fork server" section for what is shared and what each emulator loads itself.
 * PCM_MOTO_FORK=0 turns it off (each emulator is then spawned as before).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Socket } from 'node:net';

/** A process the kit started and can only signal (it is not this process's child). */
export interface ForkedProcess {
  readonly pid: number;
  /** Whether it still runs (ended emulators are reaped by the fork server at once). */
  alive(): boolean;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

class ForkServer {
  private readonly child: ChildProcess;
  private readonly replies: ((line: string | undefined) => void)[] = [];
  private ended = false;
  /** Requests go one at a time: each reply line answers the oldest request. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(file: string, args: readonly string[]) {
    this.child = spawn(file, [...args, '--fork-server'], { stdio: ['pipe', 'pipe', 'ignore'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.replies.shift()?.(line));
    this.child.once('exit', () => {
      this.ended = true;
      for (const reply of this.replies.splice(0)) reply(undefined);
    });
    this.child.once('error', () => (this.ended = true));
    // Nothing of the fork server keeps this process alive; it ends when this process's end
    // closes its stdin.
    this.idle();
  }

  fork(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
    const asked = this.queue.then(
      () =>
        new Promise<number | undefined>((resolve) => {
          if (this.ended) return resolve(undefined);
          this.busy();
          this.replies.push((line) => {
            this.idle();
            const pid = Number(line);
            resolve(line !== undefined && Number.isInteger(pid) && pid > 0 ? pid : undefined);
          });
          this.child.stdin!.write(`${JSON.stringify({ args, env })}\n`);
        }),
    );
    this.queue = asked;
    return asked;
  }

  private busy(): void {
    this.child.ref();
    (this.child.stdout as Socket).ref();
  }

  private idle(): void {
    this.child.unref();
    (this.child.stdout as Socket).unref();
    (this.child.stdin as Socket).unref();
  }
}

let server: ForkServer | undefined;

/**
 * Forks an emulator (`moto_server` arguments and environment) from the launcher at `file args`,
 * or returns undefined when it cannot (then spawn it): turned off, or the fork server has ended.
 */
export async function forkEmulator(file: string, args: readonly string[], emulatorArgs: readonly string[], env: NodeJS.ProcessEnv): Promise<ForkedProcess | undefined> {
  if (env.PCM_MOTO_FORK === '0') return undefined;
  server ??= new ForkServer(file, args);
  const pid = await server.fork(emulatorArgs, Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)));
  if (pid === undefined) {
    server = undefined; // a later start tries a new fork server
    return undefined;
  }
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  return {
    pid,
    alive,
    async stop(graceMs = 5000) {
      signal('SIGTERM');
      const deadline = Date.now() + graceMs;
      while (alive()) {
        if (Date.now() > deadline) signal('SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}
