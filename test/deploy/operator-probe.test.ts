/**
 * Operator URL probes against local HTTPS servers whose certificate a test CA signed (openssl
 * makes both): the right CA answers, another CA or none fails, as do a refusal and a 5xx.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyProbeError, describeProbe, probeOperatorUrls, probeUrl } from '../../lib/deploy/operator-probe';

const dir = mkdtempSync(join(tmpdir(), 'pcm-probe-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
/** A CA, and a certificate for 127.0.0.1 that it signs (as mozart's would be for its address). */
function makeCa(name: string): string {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`);
  return readFileSync(join(dir, `${name}.pem`), 'utf8');
}
const mozartCa = makeCa('mozart-ca');
const otherCa = makeCa('other-ca');
openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=mozart', '-keyout', 'server.key', '-out', 'server.csr');
writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
openssl('x509', '-req', '-in', 'server.csr', '-CA', 'mozart-ca.pem', '-CAkey', 'mozart-ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'san.ext', '-out', 'server.pem');

function serve(status: number): Promise<{ server: Server; url: string }> {
  const server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (_req, res) => res.writeHead(status).end('hysds'));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/hysds_ui/` })));
}

describe('operator URL probes', () => {
  let ok: { server: Server; url: string };
  let broken: { server: Server; url: string };
  beforeAll(async () => {
    ok = await serve(200);
    broken = await serve(503);
  });
  afterAll(() => {
    ok.server.close();
    broken.server.close();
  });

  it('answers when mozart’s certificate checks out against mozart’s CA', async () => {
    expect(await probeUrl(ok.url, { ca: mozartCa })).toEqual({ state: 'answered', httpStatus: 200 });
  });

  it('fails on a certificate another CA signed, and on one no system CA trusts', async () => {
    expect(await probeUrl(ok.url, { ca: otherCa })).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^certificate not trusted/) });
    expect(await probeUrl(ok.url)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^certificate not trusted/) });
  });

  it('fails on a server error and on a refused connection', async () => {
    expect(await probeUrl(broken.url, { ca: mozartCa })).toEqual({ state: 'failed', reason: 'HTTP 503' });
    const closed = await serve(200);
    const url = closed.url;
    await new Promise((resolve) => closed.server.close(resolve));
    expect(await probeUrl(url, { ca: mozartCa })).toEqual({ state: 'failed', reason: 'connection refused (the service is not listening)' });
  });

  it('counts no route to the VPC as unreachable from here, not as a failure', () => {
    for (const code of ['ENETUNREACH', 'EHOSTUNREACH']) expect(classifyProbeError(Object.assign(new Error(code), { code }), false)).toEqual({ state: 'unreachable' });
    expect(classifyProbeError(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }), false)).toEqual({ state: 'unreachable' });
    expect(classifyProbeError(Object.assign(new Error('answer timeout'), { code: 'ETIMEDOUT' }), true)).toEqual({ state: 'failed', reason: 'connected, but no answer in time' });
    expect(describeProbe({ state: 'unreachable' })).toBe('unreachable from here');
  });

  it('probes every URL of the table, in its order', async () => {
    const table = await probeOperatorUrls({ hysds_ui: ok.url, kibana: broken.url }, { ca: mozartCa });
    expect(table.map((row) => [row.name, describeProbe(row.status)])).toEqual([
      ['hysds_ui', 'answers (HTTP 200)'],
      ['kibana', 'FAILED: HTTP 503'],
    ]);
  });
});
