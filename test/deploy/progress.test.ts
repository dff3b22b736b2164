/**
 * Progress of long cdktf runs, fed real cdktf 0.21 logs (test/deploy/fixtures/, see README.md
 * there): the parser's counts, current resource and failures, and the view in both modes.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stdoutProgress } from '../../cli/progress';
import { duration, ProgressView } from '../../lib/progress/progress-view';
import { openRunLog } from '../../lib/progress/run-log';
import { TerraformProgress } from '../../lib/progress/terraform-progress';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
/** `npm run deploy -- --env dev` into moto: dev-data then dev-compute, one `cdktf deploy 'dev-*'`. */
const DEPLOY = fixture('dev-deploy.log');
/** A dev-compute deploy moto failed: it refused the SSM document. */
const FAILED = fixture('dev-compute-deploy-failed.log');
/** `npm run destroy -- --env dev` of the deploy above: moto will not detach four interfaces. */
const DESTROY = fixture('dev-destroy-failed.log');
const DEV = ['dev-data', 'dev-compute'];

/** The log up to and including its first line containing `marker`. */
function upTo(log: string, marker: string): string {
  const at = log.indexOf(marker);
  if (at < 0) throw new Error(`marker not in the fixture: ${marker}`);
  return log.slice(0, log.indexOf('\n', at) + 1);
}

/** Feeds a log in chunks of `size` characters, as a pipe would cut it. */
function feedAll(progress: { write(chunk: string): unknown }, log: string, size = 4096): void {
  for (let i = 0; i < log.length; i += size) progress.write(log.slice(i, i + size));
}

/** A clock that moves one second per line fed, so elapsed times are stable. */
function lineClock(): { now: () => number; feed: (progress: { write(chunk: string): unknown }, log: string) => void } {
  let t = 0;
  return {
    now: () => t,
    feed: (progress, log) => {
      for (const line of log.split(/(?<=\n)/)) {
        progress.write(line);
        t += 1000;
      }
    },
  };
}

/**
 * What a terminal shows after `text`: the escapes the live view uses (cursor up, carriage
 * return, erase below, colours) applied to a screen of lines.
 */
function screen(text: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  const tokens = text.split(/(\x1b\[[0-9;]*[A-Za-z]|\r|\n)/).filter((t) => t !== '');
  for (const token of tokens) {
    const escape = /^\x1b\[([0-9;]*)([A-Za-z])$/.exec(token);
    if (escape) {
      if (escape[2] === 'A') row = Math.max(0, row - Number(escape[1] || 1));
      else if (escape[2] === 'J') {
        lines.splice(row + 1);
        lines[row] = '';
      } else if (escape[2] !== 'm') throw new Error(`unexpected escape ${JSON.stringify(token)}`);
    } else if (token === '\r') {
      // Every live line starts at the left edge; the view writes whole lines only.
    } else if (token === '\n') {
      row += 1;
      if (lines.length <= row) lines.push('');
    } else {
      lines[row] += token;
    }
  }
  return lines.filter((l, i) => l !== '' || i < lines.length - 1);
}

describe('TerraformProgress: a cdktf log read into per-stack progress', () => {
  it('counts every resource of both stacks of a deploy against their plans', () => {
    const progress = new TerraformProgress({ stacks: DEV });
    feedAll(progress, DEPLOY);
    progress.end(true);
    expect(progress.stacks.map((s) => [s.stack, s.phase, s.done, s.total, s.summary])).toEqual([
      ['dev-data', 'done', 79, 79, 'Resources: 79 added, 0 changed, 0 destroyed.'],
      ['dev-compute', 'done', 85, 85, 'Resources: 85 added, 0 changed, 0 destroyed.'],
    ]);
    expect(progress.stacks.flatMap((s) => s.inFlight)).toEqual([]);
  });

  it('times dev-compute from when it began to plan, after dev-data was applied, not from its early init', () => {
    const clock = lineClock();
    const progress = new TerraformProgress({ stacks: DEV, now: clock.now });
    clock.feed(progress, DEPLOY);
    const [data, compute] = progress.stacks;
    expect(compute.startedAt!).toBeLessThan(data.startedAt!);
    expect(compute.planningSince!).toBeGreaterThanOrEqual(data.finishedAt!);
    expect(data.planningSince! - data.startedAt!).toBeLessThan(30000);
  });

  it('reads the same however the output is cut into chunks', () => {
    const whole = new TerraformProgress({ stacks: DEV, now: () => 0 });
    whole.write(DEPLOY);
    const bytes = new TerraformProgress({ stacks: DEV, now: () => 0 });
    feedAll(bytes, DEPLOY, 7);
    expect(bytes.stacks).toEqual(whole.stacks);
  });

  it('tells the current resource: the oldest still in flight, with the others behind it', () => {
    const progress = new TerraformProgress({ stacks: DEV });
    progress.write(upTo(DEPLOY, 'aws_kms_key.environment-key_B8FFA627 (environment-key/key): Still creating... [10s elapsed]'));
    const data = progress.stack('dev-data')!;
    expect([data.phase, data.done, data.total]).toEqual(['applying', 31, 79]);
    expect(data.inFlight.map((r) => `${r.action} ${r.address}`)).toEqual([
      'creating aws_kms_key.environment-key_B8FFA627',
      'creating aws_s3_bucket_lifecycle_configuration.bucket-triage_lifecycle_440A589A',
      'creating aws_s3_bucket_lifecycle_configuration.bucket-messages_lifecycle_6FF0E44A',
      'creating aws_s3_bucket_lifecycle_configuration.bucket-dataset_lifecycle_864E12BF',
      'creating aws_s3_bucket_lifecycle_configuration.access-logs_lifecycle_CF942975',
      'creating aws_s3_bucket_lifecycle_configuration.bucket-archive_lifecycle_607F2C2B',
      'creating aws_s3_bucket_lifecycle_configuration.bucket-code_lifecycle_21CDA03A',
    ]);
    // cdktf initializes dev-compute at once, then holds it until dev-data is applied.
    const compute = progress.stack('dev-compute')!;
    expect([compute.phase, compute.initialized, compute.total]).toEqual(['planning', true, undefined]);
  });

  it('waits on the last SQS queue policy of dev-data once all else is done', () => {
    const progress = new TerraformProgress({ stacks: DEV });
    progress.write(upTo(DEPLOY, 'queue-cnm-r_policy_2C9B119F (queue-cnm-r/policy): Still creating... [10s elapsed]'));
    const data = progress.stack('dev-data')!;
    expect([data.done, data.total, data.inFlight.map((r) => r.address)]).toEqual([78, 79, ['aws_sqs_queue_policy.queue-cnm-r_policy_2C9B119F']]);
  });

  it('fails a stack at the resource Terraform names, with its error and without the source excerpt', () => {
    const progress = new TerraformProgress({ stacks: DEV });
    feedAll(progress, FAILED);
    progress.end(false);
    const compute = progress.stack('dev-compute')!;
    expect([compute.phase, compute.done, compute.total]).toEqual(['failed', 82, 83]);
    expect(compute.failures).toHaveLength(1);
    expect(compute.failures[0]).toEqual({
      resource: 'aws_ssm_document.provisioning_document_271430BF',
      path: 'provisioning/document',
      lines: [expect.stringMatching(/^Error: creating SSM Document \(pcm-dev-provision-hysds\): .*InvalidDocumentContent: The content for the document is not valid\.$/)],
    });
    expect(compute.inFlight).toEqual([]);
    // This run deployed dev-compute alone: dev-data never printed.
    expect(progress.stack('dev-data')!.phase).toBe('waiting');
  });

  it('reads an error block with an explanation, framed as Terraform frames it at a terminal', () => {
    const progress = new TerraformProgress({ stacks: ['ops-data'] });
    progress.write(
      [
        'ops-data  Plan: 2 to add, 0 to change, 0 to destroy.',
        'ops-data  aws_s3_bucket.a (a): Creating...',
        'ops-data  aws_s3_bucket.b (b): Creating...',
        'ops-data  aws_s3_bucket.a (a): Creation complete after 1s [id=a]',
        'ops-data  ╷',
        '          │ Error: creating S3 Bucket (b): BucketAlreadyExists',
        '          │ ',
        '          │   with aws_s3_bucket.b (b),',
        '          │   on cdk.tf.json line 40, in resource.aws_s3_bucket.b (b):',
        '          │   40:       }',
        '          │ ',
        '          │ The requested bucket name is not available.',
        '          │ Choose another name.',
        '          ╵',
        '',
      ].join('\n'),
    );
    progress.end(false);
    expect(progress.stack('ops-data')).toMatchObject({
      phase: 'failed',
      done: 1,
      total: 2,
      failures: [{ resource: 'aws_s3_bucket.b', path: 'b', lines: ['Error: creating S3 Bucket (b): BucketAlreadyExists', 'The requested bucket name is not available.', 'Choose another name.'] }],
    });
  });

  it('counts a destroy against its plan, and ties errors without a `with` line to the resource whose id they quote', () => {
    const progress = new TerraformProgress({ stacks: ['dev-compute', 'dev-data'] });
    feedAll(progress, DESTROY);
    progress.end(false);
    const compute = progress.stack('dev-compute')!;
    expect([compute.phase, compute.done, compute.total, compute.planned]).toEqual(['failed', 79, 85, { add: 0, change: 0, destroy: 85 }]);
    // eni-b7af... is mozart's interface and eni-d58e... metrics', though their errors came the other way round.
    expect(compute.failures.map((f) => [f.resource, /\((eni-[0-9a-f]{4})/.exec(f.lines[0])![1]])).toEqual([
      ['aws_network_interface.factotum_interface_6C51B58A', 'eni-1f70'],
      ['aws_network_interface.grq_interface_EE804028', 'eni-f244'],
      ['aws_network_interface.mozart_interface_F6FFA0DF', 'eni-b7af'],
      ['aws_network_interface.metrics_interface_1E0FA338', 'eni-d58e'],
    ]);
    for (const failure of compute.failures) expect(failure.lines).toEqual([expect.stringMatching(/^Error: detaching EC2 Network Interface .*cannot be detached\.$/)]);
    // cdktf initialized dev-data, then never destroyed it.
    expect(progress.stack('dev-data')).toMatchObject({ phase: 'failed', done: 0, failures: [] });
    expect(progress.stack('dev-data')!.total).toBeUndefined();
  });

  it('names no resource for an error it cannot tie to one, rather than a wrong one', () => {
    const progress = new TerraformProgress({ stacks: ['adt-data'] });
    progress.write(
      [
        'adt-data  Plan: 2 to add, 0 to change, 0 to destroy.',
        'adt-data  aws_sqs_queue.a (a): Creating...',
        'adt-data  aws_sqs_queue.b (b): Creating...',
        'adt-data  Error: creating SQS Queue: timeout while waiting',
        '',
      ].join('\n'),
    );
    progress.end(false);
    expect(progress.stack('adt-data')!.failures).toEqual([{ lines: ['Error: creating SQS Queue: timeout while waiting'] }]);
  });
});

describe('ProgressView without a terminal: one plain line per stack event', () => {
  function plain(log: string, ok: boolean, stacks = DEV): string {
    const clock = lineClock();
    let out = '';
    const view = new ProgressView({ write: (t) => (out += t), live: false, now: clock.now });
    const feed = view.feed({ stacks });
    clock.feed(feed, log);
    feed.end(ok);
    view.stop();
    return out;
  }

  it('prints a deploy as start, plan, each tenth and the end of each stack, without a control character', () => {
    const out = plain(DEPLOY, true);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    const lines = out.trimEnd().split('\n');
    const of = (stack: string) => lines.filter((l) => l.startsWith(`${stack} `));
    expect(of('dev-data')[0]).toBe('dev-data     initializing');
    expect(of('dev-data')[1]).toBe('dev-data     planned 79: 79 to add, 0 to change, 0 to destroy');
    // Nine tenths on the way (the tenth is the end), each with the count and the current resource.
    const steps = of('dev-data').filter((l) => /^dev-data {5}\d+\/79 {2}(?!done)/.test(l));
    expect(steps.map((l) => Number(/(\d+)\/79/.exec(l)![1]))).toEqual([8, 16, 24, 32, 40, 48, 56, 64, 72]);
    expect(steps[0]).toMatch(/^dev-data {5}8\/79 {2}creating aws_\S+( \(\+\d+\))? {2}\d+m\d\ds$/);
    expect(of('dev-data').at(-1)).toMatch(/^dev-data {5}79\/79 {2}done: 79 added, 0 changed, 0 destroyed {2}\d+m\d\ds$/);
    expect(of('dev-compute').at(-1)).toMatch(/^dev-compute {2}85\/85 {2}done: 85 added, 0 changed, 0 destroyed {2}\d+m\d\ds$/);
    expect(of('dev-data')).toHaveLength(12);
    expect(of('dev-compute')).toHaveLength(12);
    expect(lines).toHaveLength(24);
  });

  it('repeats a running stack\'s line after a minute without one, so a long wait shows what it is on', () => {
    let t = 0;
    let out = '';
    const view = new ProgressView({ write: (text) => (out += text), live: false, now: () => t, refreshMs: 0 });
    const feed = view.feed({ stacks: DEV });
    feed.write(upTo(DEPLOY, 'aws_kms_key.environment-key_B8FFA627 (environment-key/key): Still creating... [10s elapsed]'));
    const before = out;
    t = 59999;
    view.tick();
    expect(out).toBe(before);
    t = 60000;
    view.tick();
    expect(out.slice(before.length)).toBe('dev-data     31/79  creating aws_kms_key.environment-key_B8FFA627 (+6)  1m00s\ndev-compute  waiting for dev-data\n');
    view.tick();
    expect(out.slice(before.length).split('\n')).toHaveLength(3);
  });

  it('prints the failing resource and its error when a deploy fails, and the stacks it never reached', () => {
    const out = plain(FAILED, false);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(out).toContain('\ndev-compute  82/83  FAILED at aws_ssm_document.provisioning_document_271430BF (provisioning/document)  ');
    expect(out).toMatch(/\n {4}Error: creating SSM Document \(pcm-dev-provision-hysds\): .*InvalidDocumentContent/);
    expect(out.trimEnd().split('\n').at(-1)).toBe('dev-data     not run');
    expect(out).not.toContain('done:');
  });

  it('shows the last lines of cdktf when a run fails before any stack reports an error', () => {
    const out = plain('Error: Could not find stack: dev-*\nInvoking Terraform CLI failed with exit code 1\n', false);
    expect(out).toBe(
      ['dev-data     not run', 'dev-compute  not run', 'the run failed before Terraform reported an error; its last lines:', '  Error: Could not find stack: dev-*', '  Invoking Terraform CLI failed with exit code 1', ''].join('\n'),
    );
  });

  it('prints a failed destroy with every failing resource and its error, and the data stack as not run', () => {
    const out = plain(DESTROY, false, ['dev-compute', 'dev-data']);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(out).toContain('dev-compute  planned 85: 0 to add, 0 to change, 85 to destroy\n');
    expect(out).toMatch(/\ndev-compute {2}77\/85 {2}destroying aws_network_interface\.factotum_interface_6C51B58A \(\+4\) {2}(\d+m)?\d+s\n/);
    expect(out).toMatch(/\ndev-compute {2}79\/85 {2}FAILED at aws_network_interface\.factotum_interface_6C51B58A {2}(\d+m)?\d+s\n {4}Error: detaching EC2 Network Interface \(eni-1f70/);
    expect(out).toMatch(/\ndev-compute {2}also failed at aws_network_interface\.metrics_interface_1E0FA338\n {4}Error: detaching EC2 Network Interface \(eni-d58e/);
    // What test/cli/deploy.test.ts reads from npm run destroy's stdout: each error whole.
    expect([...out.matchAll(/Error: ([^\n]+)/g)].map((m) => m[1])).toEqual(Array(4).fill(expect.stringMatching(/^detaching EC2 Network Interface .*cannot be detached\.$/)));
    expect(out.trimEnd().split('\n').at(-1)).toBe('dev-data     not run');
  });
});

describe('ProgressView at a terminal: a live line per stack, redrawn in place', () => {
  function live(options: { colour?: boolean; columns?: number } = {}) {
    const clock = lineClock();
    let out = '';
    const view = new ProgressView({ write: (t) => (out += t), live: true, now: clock.now, refreshMs: 0, columns: () => options.columns, colour: options.colour });
    return { view, clock, text: () => out };
  }

  it('shows one line per stack while running: counts, current resource, elapsed; a waiting stack says for what', () => {
    const { view, clock, text } = live();
    const feed = view.feed({ stacks: DEV });
    // Before any stack prints, cdktf is running the app.
    expect(screen(text())).toEqual(['dev-data     synthesizing', 'dev-compute  synthesizing']);
    clock.feed(feed, upTo(DEPLOY, 'aws_kms_key.environment-key_B8FFA627 (environment-key/key): Still creating... [10s elapsed]'));
    expect(text()).toMatch(/\x1b\[2A\r\x1b\[J/);
    expect(screen(text())).toEqual([expect.stringMatching(/^dev-data {5}31\/79 {2}creating aws_kms_key\.environment-key_B8FFA627 \(\+6\) {2}(\d+m)?\d+s$/), 'dev-compute  waiting for dev-data']);
  });

  it('leaves one final line per stack when done, and no live line', () => {
    const { view, clock, text } = live();
    view.print('dev: full Terraform log in .build/logs/dev-deploy.log');
    const feed = view.feed({ stacks: DEV });
    clock.feed(feed, DEPLOY);
    feed.end(true);
    view.stop();
    expect(screen(text())).toEqual([
      'dev: full Terraform log in .build/logs/dev-deploy.log',
      expect.stringMatching(/^dev-data {5}79\/79 {2}done: 79 added, 0 changed, 0 destroyed {2}\d+m\d\ds$/),
      expect.stringMatching(/^dev-compute {2}85\/85 {2}done: 85 added, 0 changed, 0 destroyed {2}\d+m\d\ds$/),
    ]);
  });

  it('keeps the failure on screen: the failing resource in red, the error under it', () => {
    const { view, clock, text } = live({ colour: true });
    const feed = view.feed({ stacks: DEV });
    clock.feed(feed, FAILED);
    feed.end(false);
    view.stop();
    expect(text()).toContain('\x1b[31mFAILED at aws_ssm_document.provisioning_document_271430BF (provisioning/document)\x1b[0m');
    const shown = screen(text()).map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    expect(shown[0]).toMatch(/^dev-compute {2}82\/83 {2}FAILED at aws_ssm_document\.provisioning_document_271430BF \(provisioning\/document\) {2}\d+m\d\ds$/);
    expect(shown[1]).toMatch(/^ {4}Error: creating SSM Document/);
    expect(shown[2]).toBe('dev-data     not run');
  });

  it('cuts live lines to the terminal width, since a wrapped line breaks the redraw', () => {
    const { view, clock, text } = live({ columns: 40 });
    const feed = view.feed({ stacks: DEV });
    clock.feed(feed, upTo(DEPLOY, 'aws_kms_key.environment-key_B8FFA627 (environment-key/key): Still creating... [10s elapsed]'));
    expect(screen(text())).toEqual(['dev-data     31/79  creating aws_kms_k…', 'dev-compute  waiting for dev-data']);
  });

  it('redraws the several environments of the demo, one line per stack', () => {
    const { view, clock, text } = live();
    const dev = view.feed({ stacks: DEV });
    const ops = view.feed({ stacks: ['ops-data', 'ops-compute'] });
    clock.feed(dev, upTo(DEPLOY, 'aws_kms_key.environment-key_B8FFA627 (environment-key/key): Still creating... [10s elapsed]'));
    clock.feed(ops, upTo(DEPLOY, 'dev-data  Initializing provider plugins...').replace(/dev-/g, 'ops-'));
    expect(screen(text()).map((l) => l.replace(/ {2}\d+(m\d\d)?s$/, ''))).toEqual([
      'dev-data     31/79  creating aws_kms_key.environment-key_B8FFA627 (+6)',
      'dev-compute  waiting for dev-data',
      'ops-data     initializing',
      'ops-compute  waiting for ops-data',
    ]);
  });
});

describe('the commands’ progress on stdout', () => {
  function stream(isTTY: boolean) {
    let out = '';
    return { stream: { isTTY, columns: 100, write: (t: string) => ((out += t), true) } as unknown as NodeJS.WriteStream, text: () => out };
  }
  const failOn = (view: ProgressView) => {
    const feed = view.feed({ stacks: DEV });
    feed.write(FAILED);
    feed.end(false);
    view.stop();
  };

  it('redraws at a terminal, in colour unless NO_COLOR is set', () => {
    const coloured = stream(true);
    failOn(stdoutProgress(coloured.stream, { TERM: 'xterm' }));
    expect(coloured.text()).toContain('\x1b[31mFAILED');
    const noColour = stream(true);
    failOn(stdoutProgress(noColour.stream, { TERM: 'xterm', NO_COLOR: '1' }));
    expect(noColour.text()).toMatch(/\x1b\[\d+A/);
    expect(noColour.text()).not.toMatch(/\x1b\[[0-9;]*m/);
  });

  it('prints plain lines into a pipe and to a dumb terminal', () => {
    for (const [isTTY, env] of [[false, { TERM: 'xterm' }], [true, { TERM: 'dumb' }]] as const) {
      const out = stream(isTTY);
      failOn(stdoutProgress(out.stream, env));
      expect(out.text()).toContain('dev-compute  82/83  FAILED at aws_ssm_document');
      expect(out.text()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    }
  });
});

describe('the full log file', () => {
  it('is named for the environment, the command and the time, and holds every chunk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-logs-'));
    const log = openRunLog('dev', 'deploy', { dir, at: new Date('2026-11-30T12:31:59.123Z') });
    log.write('dev-data  Initializing the backend...\n');
    log.write('dev-data  Plan: 1 to add');
    log.close();
    expect(readdirSync(dir)).toEqual(['dev-deploy-2026-11-30T12-31-59Z.log']);
    expect(readFileSync(log.path, 'utf8')).toBe('dev-data  Initializing the backend...\ndev-data  Plan: 1 to add');
  });
});

describe('duration', () => {
  it('reads as seconds, minutes and seconds, or hours and minutes', () => {
    expect([duration(7400), duration(72000), duration(3 * 3600000 + 5 * 60000)]).toEqual(['7s', '1m12s', '3h05m']);
  });
});
