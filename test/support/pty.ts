/**
 * Drives a command through a real pseudo-terminal (util-linux `script`, present on every Debian
 * machine): keystrokes go in, the screen text comes out with the terminal escapes removed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

const ESCAPES = /\x1b(?:\[[0-9;?]*[A-Za-z]|[78])/g;

export const KEYS = { enter: '\r', down: '\x1b[B', backspace: '\x7f', ctrlC: '\x03' } as const;

export class PtySession {
  private readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  /** Where the screen stood when keys were last sent; answers look for prompts after it. */
  private mark = 0;
  readonly exited: Promise<number | null>;

  constructor(command: string, options: { cwd: string; env?: NodeJS.ProcessEnv }) {
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: options.cwd,
      env: { ...process.env, TERM: 'xterm', ...options.env },
    });
    this.child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Everything written to the terminal so far, escapes included. */
  get raw(): string {
    return this.output;
  }

  /** Everything shown so far, escapes removed. */
  get screen(): string {
    return this.output.replace(ESCAPES, '');
  }

  /** Waits until the screen shows `text` after `from` characters; fails with the screen after `ms`. */
  async waitFor(text: string | RegExp, ms = 15000, from = 0): Promise<void> {
    const deadline = Date.now() + ms;
    const seen = () => {
      const tail = this.screen.slice(from);
      return typeof text === 'string' ? tail.includes(text) : text.test(tail);
    };
    while (!seen()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${this.screen.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Answers the question whose text contains `prompt` once it is on screen. */
  async answer(prompt: string | RegExp, keys: string): Promise<void> {
    await this.waitFor(prompt, 15000, this.mark);
    this.send(keys);
  }

  send(keys: string): void {
    this.mark = this.screen.length;
    this.child.stdin.write(keys);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
