/**
 * After a deploy: does each operator URL answer? Each is requested once, over HTTPS with the
 * certificate checked against mozart's CA (never with verification off). A deploy host with no
 * route into the VPC is the normal case outside it: that URL is "unreachable from here", which
 * says nothing about the cluster and is not a failure. An answer with a bad certificate, a
 * refusal, or a server error is.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type ProbeStatus =
  | { readonly state: 'answered'; readonly httpStatus: number }
  | { readonly state: 'unreachable' }
  | { readonly state: 'failed'; readonly reason: string };

export interface ProbeOptions {
  /** PEM of the CA that signed mozart's certificate. @default the system's trusted CAs */
  readonly ca?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

/** No route, or no TCP answer before the timeout: the deploy host is outside the VPC. */
const NO_ROUTE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN']);

/** How a request that failed counts: `connected` says whether TCP got through. */
export function classifyProbeError(error: NodeJS.ErrnoException, connected: boolean): ProbeStatus {
  if (NO_ROUTE.has(error.code ?? '')) return { state: 'unreachable' };
  if (!connected && (error.code === 'ETIMEDOUT' || error.message === 'connect timeout')) return { state: 'unreachable' };
  if (error.code === 'ECONNREFUSED') return { state: 'failed', reason: 'connection refused (the service is not listening)' };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(error.code ?? '')) return { state: 'failed', reason: `certificate not trusted (${error.code})` };
  if (connected && (error.code === 'ETIMEDOUT' || error.message === 'answer timeout')) return { state: 'failed', reason: 'connected, but no answer in time' };
  return { state: 'failed', reason: error.message };
}

export function probeUrl(url: string, options: ProbeOptions = {}): Promise<ProbeStatus> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let connected = false;
    const req = request(target, { method: 'GET', ...(target.protocol === 'https:' ? { ca: options.ca, rejectUnauthorized: true } : {}) }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 500 ? { state: 'failed', reason: `HTTP ${status}` } : { state: 'answered', httpStatus: status });
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(connected ? 'answer timeout' : 'connect timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(classifyProbeError(error, connected)));
    req.on('close', () => clearTimeout(timer));
    req.end();
  });
}

export function describeProbe(status: ProbeStatus): string {
  switch (status.state) {
    case 'answered':
      return `answers (HTTP ${status.httpStatus})`;
    case 'unreachable':
      return 'unreachable from here';
    case 'failed':
      return `FAILED: ${status.reason}`;
  }
}

/** Every URL probed at once; the table keeps the URLs' order. */
export async function probeOperatorUrls(urls: Readonly<Record<string, string>>, options: ProbeOptions = {}): Promise<Array<{ readonly name: string; readonly url: string; readonly status: ProbeStatus }>> {
  return Promise.all(Object.entries(urls).map(async ([name, url]) => ({ name, url, status: await probeUrl(url, options) })));
}
