// @ts-check
/**
 * The cdktf app, precompiled: what cdktf.json runs (`node lib/precompiled-app.cjs`).
 *
 * Running main.ts through a TypeScript loader (tsx) cost about a third of every synthesis, and
 * loading a few hundred module files another part. So the app is bundled by esbuild into one
 * plain-JavaScript file under .build/app and run with plain node. The bundle is built on the
 * first run after a clean clone and whenever its sources change, and never run stale:
 *
 * - every run hashes the kit's own source files the last build read (esbuild reports them), plus
 *   the lockfiles (they pin every package the bundle holds), tsconfig.json, package.json and this
 *   file (the build options);
 * - when the digest differs from the one recorded with the bundle, it is rebuilt before it runs.
 *   A new import shows up as a change to the file that imports it, so the recorded list is enough.
 *
 * Hashing about fifty small files costs a few milliseconds; a build about two seconds.
 * Bundles are named by that digest, so a reader never runs a half-written or mismatched one.
 *
 * Not bundled: esbuild, which finds its native binary next to its package (the Lambdas are built
 * with it at synthesis), and files the kit reads at run time (environments, templates, the AMI
 * catalog): those are read fresh on every run, so they need no rebuild.
 *
 * Usage: node lib/precompiled-app.cjs [--entry FILE.ts] [ARGS...]   (default entry: main.ts)
 */
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, extname, join, relative, resolve, sep } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const REPO = resolve(__dirname, '..');
/** Changes when the manifest's shape changes. */
const FORMAT = 1;
/**
 * Files that shape the bundle without esbuild loading them: the lockfiles pin every package in it
 * (a reinstall changes them), tsconfig.json sets how TypeScript is compiled, package.json the module kind.
 */
const FIXED_INPUTS = ['package-lock.json', join('node_modules', '.package-lock.json'), 'tsconfig.json', 'package.json'];
/** How esbuild should load a source file the plugin reads; other kinds are left to esbuild. */
const LOADERS = /** @type {const} */ ({ '.ts': 'ts', '.js': 'js', '.cjs': 'js', '.mjs': 'js', '.json': 'json' });
/** Old bundles are removed this long after they were replaced (a run may still be loading one). */
const KEEP_OLD_MS = 60 * 60 * 1000;

/** @param {Buffer | string} data */
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * @typedef {object} BundleOptions
 * @property {string} [entry] the app's entry, relative to repo (default main.ts)
 * @property {string} [repo] the repository (default: the one holding this file)
 * @property {string} [outDir] where bundles go (default: <repo>/.build/app)
 */

/**
 * @typedef {object} Bundle
 * @property {string} file absolute path of the bundle to run
 * @property {boolean} built whether this call had to build it
 * @property {string} digest the digest of its sources
 */

/** @param {BundleOptions} options */
function locations(options) {
  const repo = resolve(options.repo ?? REPO);
  const entry = options.entry ?? 'main.ts';
  const outDir = resolve(options.outDir ?? join(repo, '.build', 'app'));
  const name = entry.replace(/\.[cm]?[jt]s$/, '').split(/[\\/]/).join('-');
  return { repo, entry, outDir, name, manifest: join(outDir, `${name}.json`) };
}

/**
 * The digest of a bundle's sources: this file, the lockfiles, and each kit source with its hash.
 * @param {string} repo
 * @param {Record<string, string>} sources relative path -> sha256
 */
function digestOf(repo, sources) {
  const hash = createHash('sha256').update(`format ${FORMAT}\n`).update(readFileSync(__filename));
  for (const input of FIXED_INPUTS) {
    const path = join(repo, input);
    if (existsSync(path)) hash.update(`${input}\0`).update(readFileSync(path));
  }
  for (const path of Object.keys(sources).sort()) hash.update(`${path}\0${sources[path]}\n`);
  return hash.digest('hex');
}

/**
 * The bundle to run when it is fresh: its recorded sources hash as they did at build time.
 * @param {ReturnType<typeof locations>} at
 * @returns {{ file: string, digest: string } | undefined}
 */
function freshBundle(at) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(at.manifest, 'utf8'));
  } catch {
    return undefined; // never built (or a half-written manifest from an older version): build
  }
  if (manifest.format !== FORMAT || typeof manifest.digest !== 'string' || typeof manifest.sources !== 'object') return undefined;
  /** @type {Record<string, string>} */
  const current = {};
  for (const path of Object.keys(manifest.sources)) {
    try {
      current[path] = sha256(readFileSync(join(at.repo, path)));
    } catch {
      return undefined; // a source was deleted or moved
    }
  }
  const file = join(at.outDir, manifest.bundle);
  return digestOf(at.repo, current) === manifest.digest && existsSync(file) ? { file, digest: manifest.digest } : undefined;
}

/**
 * Writes through a temporary name, so that a concurrent reader never sees half a file.
 * @param {string} path
 * @param {string | Uint8Array} data
 */
function writeAtomically(path, data) {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}

/**
 * Builds the bundle with esbuild (from the repo's node_modules).
 * @param {ReturnType<typeof locations>} at
 * @returns {Promise<Bundle>}
 */
async function build(at) {
  const esbuild = require(require.resolve('esbuild', { paths: [at.repo] }));
  /** @type {Record<string, string>} */
  const sources = {};
  /** Reads each kit source once: records its hash (what was bundled is what is hashed) and points its __dirname home. */
  const kitSources = {
    name: 'pcm-kit-sources',
    /** @param {any} pluginBuild */
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /.*/ }, (/** @type {{ path: string, namespace: string }} */ args) => {
        const path = relative(at.repo, args.path);
        if (args.namespace !== 'file' || path.startsWith('..') || path.split(sep).includes('node_modules')) return undefined;
        const data = readFileSync(args.path);
        sources[path.split(sep).join('/')] = sha256(data);
        const loader = LOADERS[/** @type {keyof typeof LOADERS} */ (extname(args.path))];
        if (!loader) return undefined;
        return { contents: withSourceDirname(data.toString('utf8'), args.path, at.outDir), loader };
      });
    },
  };
  // The asynchronous API: esbuild runs plugins only there.
  const result = await esbuild.build({
    entryPoints: [join(at.repo, at.entry)],
    absWorkingDir: at.repo,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Readable stack traces for bugs: names and layout kept, one comment per source file.
    minify: false,
    plugins: [kitSources, esbuildFromRepo(at)],
    write: false,
    logLevel: 'silent',
  });
  if (result.errors.length > 0) throw bundleError(at, result.errors);
  // The fixed inputs are read after the build; a reinstall during a build at worst rebuilds once more.
  const digest = digestOf(at.repo, sources);
  const bundleName = `${at.name}-${digest.slice(0, 16)}.js`;
  mkdirSync(at.outDir, { recursive: true });
  writeAtomically(join(at.outDir, bundleName), result.outputFiles[0].contents);
  writeAtomically(at.manifest, `${JSON.stringify({ format: FORMAT, entry: at.entry, digest, bundle: bundleName, sources }, null, 2)}\n`);
  removeOldBundles(at, bundleName);
  return { file: join(at.outDir, bundleName), built: true, digest };
}

/**
 * esbuild stays outside the bundle (it finds its native binary next to its package), required by
 * its path from the bundle's folder: a bundle outside the repository (tests) still finds it.
 * @param {ReturnType<typeof locations>} at
 */
function esbuildFromRepo(at) {
  const main = require.resolve('esbuild', { paths: [at.repo] });
  const fromBundle = relative(at.outDir, main).split(sep).join('/');
  return {
    name: 'pcm-esbuild-external',
    /** @param {any} pluginBuild */
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^esbuild$/ }, () => ({ path: fromBundle.startsWith('.') ? fromBundle : `./${fromBundle}`, external: true }));
    },
  };
}

/**
 * Gives a source file its own folder as __dirname: in one bundle, __dirname is the bundle's folder,
 * and the kit finds its templates, catalog and environments next to its sources.
 * @param {string} text
 * @param {string} file
 * @param {string} outDir
 */
function withSourceDirname(text, file, outDir) {
  if (!/\b__dirname\b/.test(text)) return text;
  const fromBundle = relative(outDir, dirname(file)).split(sep).join('/');
  return `const __pcm_source_dirname = require("node:path").join(__dirname, ${JSON.stringify(fromBundle)});\n${text.replace(/\b__dirname\b/g, '__pcm_source_dirname')}`;
}

/** @typedef {{ text: string, location?: { file: string, line: number, column: number } | null }} BuildMessage */

/**
 * @param {ReturnType<typeof locations>} at
 * @param {BuildMessage[]} errors
 */
function bundleError(at, errors) {
  const lines = errors.map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ''}${e.text}`);
  return new Error(`esbuild could not bundle ${at.entry}:\n${lines.join('\n')}`);
}

/**
 * @param {ReturnType<typeof locations>} at
 * @param {string} current
 */
function removeOldBundles(at, current) {
  const pattern = new RegExp(`^${at.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{16}\\.(js|v8cache)$`);
  for (const file of readdirSync(at.outDir)) {
    if (file === current || file === current.replace(/\.js$/, '.v8cache') || !pattern.test(file)) continue;
    const path = join(at.outDir, file);
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { force: true });
    } catch {
      // Another run removed it first.
    }
  }
}

/**
 * The bundle of an entry, fresh: built now when missing or when any of its sources changed.
 * @param {BundleOptions} [options]
 * @returns {Promise<Bundle>}
 */
async function appBundle(options = {}) {
  const at = locations(options);
  const fresh = freshBundle(at);
  return fresh ? { ...fresh, built: false } : build(at);
}

/**
 * Runs a bundle as node would run it as the main module, with a V8 code cache beside it: node 20
 * has no compile cache of its own, and compiling the 5 MB bundle afresh was a tenth of each run.
 * The first run of a bundle writes the cache at exit (holding every function that run compiled);
 * V8 checks it against the source and its own version and flags, and a rejected one is rewritten.
 * @param {string} file
 * @param {readonly string[]} args the app's own arguments
 */
function runBundle(file, args) {
  const cacheFile = file.replace(/\.js$/, '.v8cache');
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // first run of this bundle
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        writeAtomically(cacheFile, script.createCachedData());
      } catch {
        // Only a missed speed-up: the next run compiles again and tries again.
      }
    });
  }
  const main = new Module(file, undefined);
  main.filename = file;
  main.paths = /** @type {any} */ (Module)._nodeModulePaths(dirname(file));
  // The app sees its own arguments only, as if it had been run directly.
  process.argv = [process.argv[0], file, ...args];
  script.runInThisContext()(main.exports, Module.createRequire(file), main, file, dirname(file));
}

module.exports = { appBundle, runBundle };

if (require.main === module) {
  const args = process.argv.slice(2);
  /** @type {string | undefined} */
  let entry;
  if (args[0] === '--entry') {
    entry = args[1];
    args.splice(0, 2);
  }
  appBundle({ entry }).then(
    (bundle) => runBundle(bundle.file, args),
    (/** @type {Error & { errors?: BuildMessage[] }} */ error) => {
      // esbuild rejects with its messages (a syntax error in a source): print them, file and line first.
      process.stderr.write(`${error.errors ? bundleError(locations({ entry }), error.errors).message : error.message}\n`);
      process.exit(1);
    },
  );
}
