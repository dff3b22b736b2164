/**
 * Runs a bundled Lambda as the runtime would: `index.js` out of its zip, loaded in a fresh `node`
 * process (the AWS SDK resolved from the repository's node_modules, standing in for the runtime's
 * own copy), invoked once. Measures the cold start: loading the module, then the first invocation.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, inflateRawSync } from 'node:zlib';
import { REPO } from '../../support/run';

/** The entries of a zip written by modules/lambda/zip.ts (deflated, no data descriptors), CRC-checked. */
export function unzip(archive: Buffer): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  let at = 0;
  while (archive.readUInt32LE(at) === 0x04034b50) {
    const size = archive.readUInt32LE(at + 18);
    const nameLength = archive.readUInt16LE(at + 26);
    const extraLength = archive.readUInt16LE(at + 28);
    const name = archive.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extraLength;
    const data = inflateRawSync(archive.subarray(start, start + size));
    if (crc32(data) !== archive.readUInt32LE(at + 14)) throw new Error(`CRC mismatch for ${name}`);
    files[name] = data;
    at = start + size;
  }
  return files;
}

export interface ColdStart {
  readonly result: unknown;
  /** require() of index.js. */
  readonly loadMs: number;
  /** The first invocation (clients made, config read, the AWS calls). */
  readonly invokeMs: number;
}

const DRIVER = `
const started = process.hrtime.bigint();
const mod = require(process.argv[1]);
const loaded = process.hrtime.bigint();
Promise.resolve(mod.handler(JSON.parse(process.argv[2]), { getRemainingTimeInMillis: () => 30000 })).then((result) => {
  const done = process.hrtime.bigint();
  process.stdout.write(JSON.stringify({ result, loadMs: Number(loaded - started) / 1e6, invokeMs: Number(done - loaded) / 1e6 }));
}, (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

export async function runBundled(zipPath: string, env: Record<string, string>, event: unknown): Promise<ColdStart> {
  const dir = mkdtempSync(join(tmpdir(), 'pcm-lambda-'));
  writeFileSync(join(dir, 'index.js'), unzip(readFileSync(zipPath))['index.js']);
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', DRIVER, join(dir, 'index.js'), JSON.stringify(event)], {
    env: { PATH: process.env.PATH, NODE_PATH: join(REPO, 'node_modules'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    timeout: 30000,
  });
  // The handlers' own log lines come first on stdout; the driver's measurement is the last line.
  const last = stdout.slice(stdout.lastIndexOf('{"result"'));
  return JSON.parse(last) as ColdStart;
}
