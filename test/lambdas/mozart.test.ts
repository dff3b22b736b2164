/** The Mozart client against local servers: the form, TLS verification, and its failures. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobSubmitForm, MozartError, submitJob, type JobSubmission } from '../../lambdas/shared/mozart';
import { MOZART_ENV } from '../../lambdas/shared/mozart-contract';
import { deadUrl, startMozart } from './support/mozart-server';

const job: JobSubmission = { type: 'ingest', release: 'r1', queue: 'q', priority: 5, tags: ['a b'], params: { id: 'x', n: [1] }, name: 'job-ingest-x' };
const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;
if (!HAS_OPENSSL) console.warn('SKIPPED: openssl is not installed; the self-signed certificate tests did not run.');

describe('Mozart job submission', () => {
  it('sends the form fields HySDS reads, with JSON tags and params and dedup on', () => {
    const form = new URLSearchParams(jobSubmitForm(job));
    expect(Object.fromEntries(form)).toEqual({
      type: 'job-ingest:r1',
      queue: 'q',
      priority: '5',
      tags: '["a b"]',
      params: '{"id":"x","n":[1]}',
      name: 'job-ingest-x',
      enable_dedup: 'true',
    });
  });

  it('verifies TLS unless MOZART_TLS_INSECURE=true, and fails naming a bad setting', () => {
    expect(MOZART_ENV.read({ MOZART_URL: 'https://mozart' })).toEqual({ url: 'https://mozart', insecureTls: false, timeoutMs: 10_000 });
    expect(MOZART_ENV.read({ MOZART_URL: 'https://mozart', MOZART_TLS_INSECURE: 'TRUE' }).insecureTls).toBe(true);
    expect(() => MOZART_ENV.read({ MOZART_URL: 'https://mozart', MOZART_TLS_INSECURE: 'yes' })).toThrow('MOZART_TLS_INSECURE is "yes"; expected true or false');
    expect(() => MOZART_ENV.read({})).toThrow('environment variable MOZART_URL is not set');
    expect(() => MOZART_ENV.read({ MOZART_URL: 'mozart:443' })).toThrow('MOZART_URL is "mozart:443"; expected http(s)://');
    expect(() => MOZART_ENV.read({ MOZART_URL: 'https://mozart', MOZART_CA_PEM: 'not a certificate' })).toThrow('MOZART_CA_PEM is not a PEM certificate');
  });

  it('tells a transient answer (429, 5xx, unreachable) from a refusal, with the HTTP status', async () => {
    const mozart = await startMozart();
    try {
      const options = { url: mozart.url, insecureTls: false, timeoutMs: 2000 };
      const outcome = async (url = mozart.url) => {
        const e = (await submitJob({ ...options, url }, job).catch((error: unknown) => error)) as MozartError;
        expect(e).toBeInstanceOf(MozartError);
        return { status: e.status, transient: e.transient };
      };
      mozart.next('throttle429', 'error500', 'reject', 'garbage');
      expect(await outcome()).toEqual({ status: 429, transient: true });
      expect(await outcome()).toEqual({ status: 500, transient: true });
      expect(await outcome()).toEqual({ status: 200, transient: false });
      expect(await outcome()).toEqual({ status: 200, transient: false });
      expect(await outcome(await deadUrl())).toEqual({ status: undefined, transient: true });
    } finally {
      await mozart.stop();
    }
  });

  (HAS_OPENSSL ? describe : describe.skip)('over HTTPS with a self-signed certificate, as Mozart serves it', () => {
    let url: string;
    let server: ReturnType<typeof createServer>;
    let cert: string;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pcm-mozart-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"success": true, "result": "tls-job"}'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('fails by default: the certificate is not trusted', async () => {
      await expect(submitJob({ url, insecureTls: false, timeoutMs: 2000 }, job)).rejects.toThrow(/could not be reached: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED)/);
    });

    it('submits when the configured CA (tls.mozart.caCertificate, MOZART_CA_PEM) signed the certificate', async () => {
      const options = MOZART_ENV.read({ MOZART_URL: url, MOZART_CA_PEM: cert, MOZART_TIMEOUT_MS: '2000' });
      expect(options).toMatchObject({ insecureTls: false, caCertificate: cert });
      expect(await submitJob(options, job)).toBe('tls-job');
    });

    it('fails when another CA is configured, naming the reason', async () => {
      const other = readFileSync(join(__dirname, '..', '..', 'environments', 'answers', 'ops.yaml'), 'utf8');
      const pem = /caCertificate: \|\n((?: {6}.*\n)+)/.exec(other)![1].replace(/^ {6}/gm, '');
      await expect(submitJob({ url, insecureTls: false, caCertificate: pem, timeoutMs: 2000 }, job)).rejects.toThrow(/could not be reached: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|DEPTH_ZERO)/);
    });

    it('submits when told to skip verification', async () => {
      expect(await submitJob({ url, insecureTls: true, timeoutMs: 2000 }, job)).toBe('tls-job');
    });
  });
});
