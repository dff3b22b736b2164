/**
 * A local HTTP server speaking Mozart's job-submit endpoint (the one real HySDS API the handlers
 * call): it parses the form as Mozart does and answers as told, so tests can see every submitted
 * job and make Mozart fail, answer garbage, or be down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type MozartBehaviour = 'ok' | 'error500' | 'throttle429' | 'garbage' | 'reject' | 'hang';

export interface SubmittedJob {
  readonly type: string;
  readonly queue: string;
  readonly priority: string;
  readonly tags: unknown;
  readonly params: Record<string, unknown>;
  readonly name: string;
  readonly enable_dedup: string;
  /** Mozart's answer: the job id, when it accepted the job. */
  readonly jobId?: string;
}

export interface FakeMozart {
  readonly url: string;
  /** Every request, accepted or not, in order. */
  readonly requests: SubmittedJob[];
  /** The jobs Mozart accepted. */
  accepted(): SubmittedJob[];
  /** Answers the next requests this way, in order; then `ok`. */
  next(...behaviours: MozartBehaviour[]): void;
  reset(): void;
  stop(): Promise<void>;
}

export async function startMozart(): Promise<FakeMozart> {
  const requests: SubmittedJob[] = [];
  let queue: MozartBehaviour[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/mozart/api/v0.1/job/submit' || !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        res.writeHead(404).end('not found');
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const behaviour = queue.shift() ?? 'ok';
      const job = {
        type: form.get('type') ?? '',
        queue: form.get('queue') ?? '',
        priority: form.get('priority') ?? '',
        tags: JSON.parse(form.get('tags') ?? 'null'),
        params: JSON.parse(form.get('params') ?? 'null'),
        name: form.get('name') ?? '',
        enable_dedup: form.get('enable_dedup') ?? '',
      };
      if (behaviour === 'hang') {
        requests.push(job);
        return; // never answers
      }
      if (behaviour === 'error500') {
        requests.push(job);
        res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>');
        return;
      }
      if (behaviour === 'throttle429') {
        requests.push(job);
        // What a throttling web server in front of Mozart answers.
        res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '1' }).end('<h1>Too Many Requests</h1>');
        return;
      }
      if (behaviour === 'garbage') {
        requests.push(job);
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>');
        return;
      }
      if (behaviour === 'reject') {
        requests.push(job);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: false, message: 'job type not found' }));
        return;
      }
      const jobId = `job-${++count}`;
      requests.push({ ...job, jobId });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true, message: '', result: jobId }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => requests.filter((r) => r.jobId !== undefined),
    next: (...behaviours) => {
      queue = [...queue, ...behaviours];
    },
    reset: () => {
      requests.length = 0;
      queue = [];
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL where nothing listens (Mozart down). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
