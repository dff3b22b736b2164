/**
 * The precompiled app (lib/precompiled-app.cjs, what cdktf.json runs): built when a source
 * changed, not otherwise, never run stale, and synthesizing exactly what the TypeScript sources do.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironments } from '../../config-generator/loader';
import { synthesizeTo } from '../../stacks/synthesize';
import { REPO } from '../support/run';

interface Bundle {
  readonly file: string;
  readonly built: boolean;
  readonly digest: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a .cjs helper with no type declarations; its shape is asserted here
const { appBundle } = require('../../lib/precompiled-app.cjs') as {
  appBundle: (options?: { entry?: string; repo?: string; outDir?: string }) => Promise<Bundle>;
};

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const run = (file: string, env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, ...env } });

/** A two-file app that reads a data file next to its source through __dirname, as the kit's templates are read. */
function fakeRepo(): string {
  const repo = tmp('pcm-precompiled-');
  symlinkSync(join(REPO, 'node_modules'), join(repo, 'node_modules'));
  mkdirSync(join(repo, 'lib', 'templates'), { recursive: true });
  writeFileSync(join(repo, 'lib', 'templates', 'word.txt'), 'world');
  writeFileSync(
    join(repo, 'lib', 'greeting.ts'),
    "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport const greeting = (): string => `hello ${readFileSync(join(__dirname, 'templates', 'word.txt'), 'utf8')}`;\n",
  );
  writeFileSync(join(repo, 'main.ts'), "import { greeting } from './lib/greeting';\nprocess.stdout.write(greeting());\n");
  return repo;
}

describe('the precompiled app', () => {
  it('is built on the first run, reused while its sources are unchanged, and rebuilt when one changes', async () => {
    const repo = fakeRepo();
    const outDir = join(repo, '.build', 'app');
    const first = await appBundle({ repo, outDir });
    expect(first.built).toBe(true);
    expect(run(first.file).stdout).toBe('hello world');

    const again = await appBundle({ repo, outDir });
    expect(again).toEqual({ ...first, built: false });

    // Rewritten with the same text: content, not time, decides.
    const source = join(repo, 'lib', 'greeting.ts');
    writeFileSync(source, readFileSync(source, 'utf8'));
    expect((await appBundle({ repo, outDir })).built).toBe(false);

    // An edit to a file the entry imports (not the entry itself) is seen, and the new code runs.
    writeFileSync(source, readFileSync(source, 'utf8').replace('hello', 'goodbye'));
    const edited = await appBundle({ repo, outDir });
    expect(edited.built).toBe(true);
    expect(edited.file).not.toBe(first.file);
    expect(run(edited.file).stdout).toBe('goodbye world');
  }, 60000);

  it('reads files next to its sources at run time: a data file edit needs no rebuild', async () => {
    const repo = fakeRepo();
    const outDir = join(repo, '.build', 'app');
    const bundle = await appBundle({ repo, outDir });
    writeFileSync(join(repo, 'lib', 'templates', 'word.txt'), 'there');
    expect((await appBundle({ repo, outDir })).built).toBe(false);
    expect(run(bundle.file).stdout).toBe('hello there');
  }, 60000);

  it('runs the app through the runner with its own arguments, and stops on a source that does not compile, naming file and line', () => {
    const repo = fakeRepo();
    // The runner finds the repo next to itself (lib/..): a copy in the fake repo's lib/ does the same there.
    writeFileSync(join(repo, 'lib', 'precompiled-app.cjs'), readFileSync(join(REPO, 'lib', 'precompiled-app.cjs')));
    writeFileSync(join(repo, 'main.ts'), "import { greeting } from './lib/greeting';\nprocess.stdout.write(`${greeting()} ${process.argv.slice(2).join(',')}`);\n");
    const ok = spawnSync(process.execPath, [join(repo, 'lib', 'precompiled-app.cjs'), 'a', 'b'], { encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('hello world a,b');
    // The first run leaves V8's code cache beside the bundle; the next run uses it, same result.
    const built = readdirSync(join(repo, '.build', 'app'));
    const bundle = built.find((f) => /^main-[0-9a-f]{16}\.js$/.test(f))!;
    expect(built).toContain(bundle.replace(/\.js$/, '.v8cache'));
    const cached = spawnSync(process.execPath, [join(repo, 'lib', 'precompiled-app.cjs'), 'c'], { encoding: 'utf8' });
    expect(cached.stdout).toBe('hello world c');

    writeFileSync(join(repo, 'lib', 'greeting.ts'), 'export const greeting = (: string => 1;\n');
    const broken = spawnSync(process.execPath, [join(repo, 'lib', 'precompiled-app.cjs')], { encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^esbuild could not bundle main\.ts:\n {2}lib\/greeting\.ts:1:\d+: /);
  }, 60000);

  it('synthesizes byte for byte what the TypeScript sources synthesize in-process', async () => {
    const bundle = await appBundle({ outDir: tmp('pcm-precompiled-out-') });
    const out = tmp('pcm-precompiled-synth-');
    const result = run(bundle.file, { PCM_ENV: 'ops', CDKTF_OUTDIR: out });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const environments = loadEnvironments();
    const expected = synthesizeTo(tmp('pcm-inprocess-'), environments.filter((e) => e.config.environment.name === 'ops'), { peers: environments });
    expect(expected.map((s) => s.name).sort()).toEqual(['ops-compute', 'ops-data']);
    for (const stack of expected) {
      const file = join('stacks', stack.name, 'cdk.tf.json');
      expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8'));
    }
  }, 120000);
});
