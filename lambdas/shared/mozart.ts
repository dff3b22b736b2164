/**
 * Submitting a HySDS job to Mozart: `POST <mozart>/mozart/api/v0.1/job/submit`, form-encoded.
 *
 * Uses node:http/node:https rather than fetch because Mozart serves a self-signed certificate
 * (a HySDS fact) and only node's request options let one deployment choose to skip verification
 * (`insecureTls`); verification is on unless asked otherwise.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Mozart's connection (read through mozart-contract.ts MOZART_ENV). */
export interface MozartOptions {
  /** Mozart's base URL, e.g. `https://10.0.1.23` (the API path is appended). */
  readonly url: string;
  /** Skip TLS certificate verification (Mozart's self-signed certificate). */
  readonly insecureTls: boolean;
  /** The CA (PEM) that signed Mozart's certificate; the only one trusted when set. @default the public CAs */
  readonly caCertificate?: string;
  /** Gives up after this long, connection and response together. */
  readonly timeoutMs: number;
}

export interface JobSubmission {
  /** The job type without the `job-` prefix, e.g. `ingest_staged`. */
  readonly type: string;
  readonly release: string;
  readonly queue: string;
  readonly priority: number;
  readonly tags: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly name: string;
}

export const JOB_SUBMIT_PATH = '/mozart/api/v0.1/job/submit';

export class MozartError extends Error {
  /** For the log line: what a working Mozart does. */
  readonly expected = 'Mozart accepting the job: HTTP 200 with {"success": true, "result": "<job id>"}';
  /**
   * @param status Mozart's HTTP status, when it answered.
   * @param unreachable No answer: refused, reset or timed out.
   */
  constructor(
    message: string,
    readonly status?: number,
    readonly unreachable = false,
  ) {
    super(message);
    this.name = 'MozartError';
  }

  /**
   * Whether trying again later may succeed: Mozart (or its web server) throttling (429), failing
   * (5xx) or out of reach. A 200 that refuses the job, or a 4xx, will answer the same again.
   */
  get transient(): boolean {
    return this.unreachable || this.status === 429 || (this.status !== undefined && this.status >= 500);
  }
}

/** The form Mozart's job-submit endpoint reads. */
export function jobSubmitForm(job: JobSubmission): string {
  return new URLSearchParams({
    type: `job-${job.type}:${job.release}`,
    queue: job.queue,
    priority: String(job.priority),
    tags: JSON.stringify(job.tags),
    params: JSON.stringify(job.params),
    name: job.name,
    // Mozart drops a job identical to one already queued: a second guard behind idempotency.
    enable_dedup: 'true',
  }).toString();
}

/** Submits a job and returns Mozart's job id; any other outcome is a MozartError naming the URL. */
export async function submitJob(options: MozartOptions, job: JobSubmission): Promise<string> {
  const url = new URL(options.url.replace(/\/+$/, '') + JOB_SUBMIT_PATH);
  const body = jobSubmitForm(job);
  const { status, text } = await post(url, body, options);
  const shown = text.length > 300 ? `${text.slice(0, 300)}...` : text;
  if (status !== 200) throw new MozartError(`Mozart ${url.href} answered HTTP ${status}: ${shown}`, status);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MozartError(`Mozart ${url.href} answered HTTP 200 with a body that is not JSON: ${shown}`, status);
  }
  const answer = parsed as { success?: unknown; result?: unknown };
  if (answer?.success !== true || typeof answer.result !== 'string' || answer.result === '') {
    throw new MozartError(`Mozart ${url.href} did not accept the job: ${shown}`, status);
  }
  return answer.result;
}

function post(url: URL, body: string, options: MozartOptions): Promise<{ status: number; text: string }> {
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(new MozartError(`Mozart URL ${url.href} is neither http nor https`));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new MozartError(`Mozart ${url.href} could not be reached: ${why}`, undefined, true));
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => fail(error.message));
    };
    const requestOptions = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), accept: 'application/json' },
      // One deadline for connecting and answering: a hung Mozart must not eat the function's timeout.
      signal: AbortSignal.timeout(options.timeoutMs),
    };
    const req = secure
      ? httpsRequest(url, { ...requestOptions, rejectUnauthorized: !options.insecureTls, ...(options.caCertificate ? { ca: options.caCertificate } : {}) }, onResponse)
      : httpRequest(url, requestOptions, onResponse);
    req.on('error', (error: NodeJS.ErrnoException) =>
      fail(error.name === 'AbortError' ? `no answer within ${options.timeoutMs} ms` : `${error.code ?? error.name}: ${error.message}`),
    );
    req.end(body);
  });
}

/** The job a handler submits: `job-<type>:<release>` to `queue` at `priority` (read through mozart-contract.ts JOB_ENV). */
export interface JobSettings {
  readonly type: string;
  readonly release: string;
  readonly queue: string;
  readonly priority: number;
}

/** Submits jobs; a function so that tests can count or fail submissions. */
export type SubmitJob = (options: MozartOptions, job: JobSubmission) => Promise<string>;
