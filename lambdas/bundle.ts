/**
 * Builds a Lambda's deployment package: `lambdas/<name>/handler.ts` bundled by esbuild into one
 * minified `index.js`, zipped deterministically, named by its content hash. Synthesis calls this
 * for every environment; the per-process cache builds each Lambda once.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { ESBUILD_TARGET } from './runtime-version';
import { zip } from './zip';

/** The handlers there are, by folder name. */
export const LAMBDA_NAMES = ['staging-submit', 'cnm-r-consumer', 'cnm-s-sender', 'cnes-batcher', 'harikiri'] as const;
export type LambdaName = (typeof LAMBDA_NAMES)[number];

export interface LambdaBundle {
  readonly name: LambdaName;
  /** Absolute path of the zip. */
  readonly zipPath: string;
  readonly bytes: number;
  /** Base64 SHA-256 of the zip: what aws_lambda_function.source_code_hash compares. */
  readonly sha256Base64: string;
}

export interface BundleOptions {
  /** @default `.build/lambdas` in the repository */
  readonly outDir?: string;
  /** Where the sources are. @default this folder */
  readonly sourceDir?: string;
}

const REPO = resolve(__dirname, '..');
const cache = new Map<string, LambdaBundle>();

/** The zip of one handler: cached per process, and on disk by content hash. */
export function bundleLambda(name: LambdaName, options: BundleOptions = {}): LambdaBundle {
  if (!(LAMBDA_NAMES as readonly string[]).includes(name)) throw new Error(`unknown Lambda "${name}"; expected one of ${LAMBDA_NAMES.join(', ')}`);
  const outDir = resolve(options.outDir ?? join(REPO, '.build', 'lambdas'));
  const sourceDir = resolve(options.sourceDir ?? __dirname);
  const cacheKey = `${name}\0${outDir}\0${sourceDir}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  const code = buildCode(join(sourceDir, name, 'handler.ts'), sourceDir);
  const archive = zip([{ name: 'index.js', data: code }]);
  const digest = createHash('sha256').update(archive).digest();
  const zipPath = join(outDir, `${name}-${digest.toString('hex').slice(0, 16)}.zip`);
  if (!existsSync(zipPath)) {
    mkdirSync(outDir, { recursive: true });
    // Through a temporary name: a reader never sees half a zip.
    const partial = `${zipPath}.${process.pid}.tmp`;
    writeFileSync(partial, archive);
    renameSync(partial, zipPath);
  }
  const bundle: LambdaBundle = { name, zipPath, bytes: archive.length, sha256Base64: digest.toString('base64') };
  cache.set(cacheKey, bundle);
  return bundle;
}

function buildCode(entry: string, workingDir: string): Buffer {
  const result = buildSync({
    entryPoints: [entry],
    absWorkingDir: workingDir,
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    minify: true,
    // The Node.js Lambda runtime (runtime-version.ts) ships the AWS SDK v3 and its @smithy packages; bundling them would
    // multiply the zip's size for nothing.
    external: ['@aws-sdk/*', '@smithy/*'],
    legalComments: 'none',
    // No paths or times in the output: the same source gives the same bytes on any machine.
    sourcemap: false,
    metafile: false,
    write: false,
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw new Error(`esbuild failed for ${entry}: ${result.errors.map((e) => e.text).join('; ')}`);
  return Buffer.from(result.outputFiles[0].contents);
}
