/**
 * Builds a Lambda's deployment package: `lambdas/<name>/handler.ts` bundled by esbuild into one
 * minified `index.js`, zipped deterministically (zip.ts, with fflate), named by its content hash.
 * Synthesis calls this for every environment; the per-process cache builds each Lambda once, and
 * the on-disk record of the last build (`<outDir>/<name>.build.json`: every file esbuild read,
 * with its hash) lets the next process reuse the zip without running esbuild while none of those
 * files changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { buildSync, version as ESBUILD_VERSION, type BuildOptions } from 'esbuild';
import { ESBUILD_TARGET } from './runtime-version';
import { zip, zipFingerprint } from './zip';

/** The handlers there are, by folder name. */
export const LAMBDA_NAMES = ['staging-submit', 'cnm-r-consumer', 'cnm-s-sender', 'cnes-batcher', 'harikiri', 'campaign-submit', 'campaign-events'] as const;
export type LambdaName = (typeof LAMBDA_NAMES)[number];

export interface LambdaBundle {
  readonly name: LambdaName;
  /** Absolute path of the zip. */
  readonly zipPath: string;
  readonly bytes: number;
  /** Base64 SHA-256 of the zip: what aws_lambda_function.source_code_hash compares. */
  readonly sha256Base64: string;
  /** Whether esbuild ran for it in this process (false: the zip of an earlier build, its sources unchanged). */
  readonly built: boolean;
}

export interface BundleOptions {
  /** @default `.build/lambdas` in the repository */
  readonly outDir?: string;
  /** Where the sources are. @default `lambdas` in the repository */
  readonly sourceDir?: string;
}

const REPO = resolve(__dirname, '..', '..');
/** The handlers' sources: this builder runs at synthesis, the code it builds in Lambda. */
const LAMBDAS_DIR = join(REPO, 'lambdas');
const cache = new Map<string, LambdaBundle>();

/** The zip of one handler: cached per process, and on disk by content hash. */
export function bundleLambda(name: LambdaName, options: BundleOptions = {}): LambdaBundle {
  if (!(LAMBDA_NAMES as readonly string[]).includes(name)) throw new Error(`unknown Lambda "${name}"; expected one of ${LAMBDA_NAMES.join(', ')}`);
  const outDir = resolve(options.outDir ?? join(REPO, '.build', 'lambdas'));
  const sourceDir = resolve(options.sourceDir ?? LAMBDAS_DIR);
  const cacheKey = `${name}\0${outDir}\0${sourceDir}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  const entry = join(sourceDir, name, 'handler.ts');
  const recordPath = join(outDir, `${name}.build.json`);
  const bundle = reusable(name, recordPath, entry, sourceDir) ?? build(name, entry, sourceDir, outDir, recordPath);
  cache.set(cacheKey, bundle);
  return bundle;
}

/** Forgets what this process built, as a new process would (for tests of the on-disk record). */
export function forgetBuiltLambdas(): void {
  cache.clear();
}

/** The last build of a handler: what it read, and what it gave. */
interface BuildRecord {
  /** The build's recipe (esbuild version, options, entry): a change means a new build. */
  readonly recipe: string;
  /** Every file esbuild read, relative to the source folder, with its SHA-256 (hex). */
  readonly inputs: Readonly<Record<string, string>>;
  readonly zipFile: string;
  readonly sha256Base64: string;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

function buildOptions(entry: string, workingDir: string) {
  return {
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
    // (The metafile is a separate report of what was read, for the build record; not in the output.)
    sourcemap: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
  } satisfies BuildOptions;
}

/** The zip writer's fingerprint, computed once per process. */
let zipWriter: string | undefined;

/** The recipe of a build: anything in it that changes may change the output (esbuild and the zip writer). */
function recipeOf(entry: string, workingDir: string): string {
  zipWriter ??= zipFingerprint();
  return JSON.stringify({ esbuild: ESBUILD_VERSION, options: buildOptions(entry, workingDir), zip: zipWriter });
}

/** The zip of the last build, when its record matches the recipe and every input hashes as it did. */
function reusable(name: LambdaName, recordPath: string, entry: string, workingDir: string): LambdaBundle | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(readFileSync(recordPath, 'utf8')) as BuildRecord;
  } catch {
    return undefined; // no build yet
  }
  if (record.recipe !== recipeOf(entry, workingDir)) return undefined;
  for (const [input, digest] of Object.entries(record.inputs)) {
    try {
      if (sha256(readFileSync(resolve(workingDir, input))).toString('hex') !== digest) return undefined;
    } catch {
      return undefined; // an input was deleted or moved
    }
  }
  const zipPath = join(dirname(recordPath), record.zipFile);
  let archive: Buffer;
  try {
    archive = readFileSync(zipPath);
  } catch {
    return undefined;
  }
  // A zip that is not the one recorded (damaged, or a hand edit) is rebuilt, never shipped.
  if (sha256(archive).toString('base64') !== record.sha256Base64) return undefined;
  return { name, zipPath, bytes: archive.length, sha256Base64: record.sha256Base64, built: false };
}

function build(name: LambdaName, entry: string, workingDir: string, outDir: string, recordPath: string): LambdaBundle {
  const result = buildSync(buildOptions(entry, workingDir));
  if (result.errors.length > 0) throw new Error(`esbuild failed for ${entry}: ${result.errors.map((e) => e.text).join('; ')}`);
  const archive = zip([{ name: 'index.js', data: Buffer.from(result.outputFiles[0].contents) }]);
  const digest = sha256(archive);
  const zipFile = `${name}-${digest.toString('hex').slice(0, 16)}.zip`;
  const zipPath = join(outDir, zipFile);
  mkdirSync(outDir, { recursive: true });
  // Written even when a file of that name exists: it may be the damaged one that sent us here.
  writeAtomically(zipPath, archive);
  const inputs: Record<string, string> = {};
  // What esbuild read, as it reads them now (a file edited during the build makes the next run build
  // again), and the tsconfig.json it compiled them with, which the metafile does not list.
  const tsconfig = nearestTsconfig(workingDir);
  for (const input of [...Object.keys(result.metafile.inputs), ...(tsconfig ? [relative(workingDir, tsconfig)] : [])]) {
    inputs[input] = sha256(readFileSync(resolve(workingDir, input))).toString('hex');
  }
  const record: BuildRecord = { recipe: recipeOf(entry, workingDir), inputs, zipFile, sha256Base64: digest.toString('base64') };
  writeAtomically(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  return { name, zipPath, bytes: archive.length, sha256Base64: record.sha256Base64, built: true };
}

/** The tsconfig.json esbuild finds for sources in `dir`: the nearest one up the tree. */
function nearestTsconfig(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'tsconfig.json'))) return join(at, 'tsconfig.json');
    if (dirname(at) === at) return undefined;
  }
}

/** Through a temporary name: a reader never sees half a file. */
function writeAtomically(path: string, data: Buffer | string): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}
