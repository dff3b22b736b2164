/**
 * Shows cdktf runs as they go. At a terminal, one live line per running stack, redrawn in place
 * (`dev-data  37/120  creating aws_sqs_queue.x  1m12s`); a stack that ends leaves one line
 * behind. Without one (CI, pipes, files), one plain line per stack event: started, planned, each
 * tenth of its resources, done or failed; never a control character. A failure shows the failing
 * resource and the last lines of its error in both modes.
 *
 * The view writes through the function it is given: the commands pass stdout, tests a buffer.
 */
import { TerraformProgress, type ProgressEvent, type StackFailure, type StackProgress, type TerraformProgressOptions } from './terraform-progress';

export interface ProgressViewOptions {
  /** Where the view's text goes. */
  readonly write: (text: string) => void;
  /** Redraw live lines in place (a terminal that understands cursor movement). */
  readonly live: boolean;
  /** Colour the lines (a terminal, and no NO_COLOR). @default false */
  readonly colour?: boolean;
  /** The terminal's width: live lines are cut to it, since a wrapped line breaks the redraw. @default 100 */
  readonly columns?: () => number | undefined;
  /** @default Date.now */
  readonly now?: () => number;
  /** Plain mode prints a stack's progress each time this share more of it is done. @default 0.1 */
  readonly step?: number;
  /** Error lines shown per failure. @default 8 */
  readonly errorLines?: number;
  /** Live mode redraws at least this often, for the elapsed times; 0 for no timer (tests call tick). @default 1000 */
  readonly refreshMs?: number;
  /**
   * Plain mode prints a running stack's line again after this long without one, so a log shows
   * what a long wait (an instance, a consistency check) is on. @default 60000
   */
  readonly quietMs?: number;
}

/** One cdktf run fed to the view. */
export interface ProgressFeed {
  readonly progress: TerraformProgress;
  /** A chunk the CLI printed. */
  write(chunk: string): void;
  /** The run ended (`ok`: the CLI's exit status was 0). */
  end(ok: boolean): void;
}

/** Lines of cdktf's own (not a stack's) kept to show when a run fails before any stack does. */
const KEPT_OTHER_LINES = 15;
// Terraform's lines are long; a cut one still says what failed.
const MAX_ERROR_LINE = 1000;

export class ProgressView {
  private readonly options: Required<Omit<ProgressViewOptions, 'columns'>> & Pick<ProgressViewOptions, 'columns'>;
  private readonly feeds: TerraformProgress[] = [];
  /** Stack -> tenths already reported (plain mode). */
  private readonly reported = new Map<string, number>();
  /** Stack -> when plain mode last printed a line of it. */
  private readonly printed = new Map<string, number>();
  /** Stacks whose final line was printed (live mode drops them from the block). */
  private readonly settled = new Set<string>();
  /** Lines of the live block on screen now. */
  private drawn = 0;
  /** The live block as last drawn. */
  private shown = '';
  private lastDraw = 0;
  private timer?: NodeJS.Timeout;

  constructor(options: ProgressViewOptions) {
    this.options = { colour: false, now: Date.now, step: 0.1, errorLines: 8, refreshMs: 1000, quietMs: 60000, ...options };
  }

  /** Starts following one run; its stacks show as waiting until they print. */
  feed(options: Omit<TerraformProgressOptions, 'now'> = {}): ProgressFeed {
    const progress = new TerraformProgress({ ...options, now: this.options.now });
    this.feeds.push(progress);
    const others: string[] = [];
    const take = (events: ProgressEvent[]) => {
      for (const event of events) {
        if (event.kind === 'other') {
          others.push(event.line);
          if (others.length > KEPT_OTHER_LINES) others.shift();
        } else {
          this.onEvent(progress, event);
        }
      }
      this.changed();
    };
    if (this.options.refreshMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.tick(), this.options.refreshMs);
      this.timer.unref();
    }
    this.changed(true);
    return {
      progress,
      write: (chunk) => take(progress.write(chunk)),
      end: (ok) => {
        take(progress.end(ok));
        for (const s of progress.stacks.filter((st) => st.phase === 'waiting')) {
          this.settled.add(s.stack);
          if (!ok) this.permanent([`${this.name(s.stack)}  not run`]);
        }
        const shown = progress.stacks.some((s) => s.failures.some((f) => f.lines.length > 0));
        if (!ok && !shown && others.length > 0) {
          this.permanent(['the run failed before Terraform reported an error; its last lines:', ...others.map((l) => `  ${l.slice(0, MAX_ERROR_LINE)}`)]);
        }
        this.changed(true);
      },
    };
  }

  /** Prints a line of the command's own, above the live block. */
  print(text: string): void {
    this.permanent(text.replace(/\n$/, '').split('\n'));
    this.changed(true);
  }

  /** Time passed: live mode redraws (elapsed times), plain mode repeats a stack quiet too long. */
  tick(): void {
    if (this.options.live) return this.redraw();
    const now = this.options.now();
    for (const s of this.feeds.flatMap((f) => f.stacks)) {
      if ((s.phase === 'planning' || s.phase === 'applying') && now - (this.printed.get(s.stack) ?? 0) >= this.options.quietMs) this.emit(this.line(s), s.stack);
    }
  }

  /** Stops redrawing; the live block stays as last drawn. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.redraw();
    this.drawn = 0;
  }

  /** The line a stack shows now (both modes share it). */
  line(s: StackProgress): string {
    // The stack's own time: from when it began to plan, not counting its wait for the stacks before it.
    const since = s.planningSince ?? s.startedAt;
    const elapsed = since === undefined ? '' : duration((s.finishedAt ?? this.options.now()) - since);
    const counts = s.total === undefined ? '' : `${s.done}/${s.total}`;
    let doing: string;
    switch (s.phase) {
      case 'waiting': {
        // Until one stack of its run prints, cdktf is still running the app.
        const run = this.feeds.find((f) => f.stacks.some((o) => o.stack === s.stack))?.stacks ?? [];
        doing = run.every((o) => o.phase === 'waiting') ? 'synthesizing' : 'waiting';
        break;
      }
      case 'planning': {
        // cdktf initializes every stack at once, then plans each after the stacks before it.
        const before = this.feeds.find((f) => f.stacks.some((o) => o.stack === s.stack))?.stacks ?? [];
        const ahead = before.slice(0, before.findIndex((o) => o.stack === s.stack)).find((o) => o.phase !== 'done' && o.phase !== 'failed');
        doing = !s.initialized ? 'initializing' : ahead ? `waiting for ${ahead.stack}` : 'planning';
        break;
      }
      case 'applying': {
        const [first, ...rest] = s.inFlight;
        doing = first ? `${first.action} ${first.address}${rest.length ? ` (+${rest.length})` : ''}` : 'applying';
        break;
      }
      case 'done':
        doing = s.summary ? `done: ${s.summary.replace(/^Resources: /, '').replace(/\.$/, '')}` : 'done';
        break;
      case 'failed': {
        const failure = s.failures.find((f) => f.resource) ?? s.failures[0];
        doing = this.paint('31', failure?.resource ? `FAILED at ${failure.resource}${failure.path ? ` (${failure.path})` : ''}` : 'FAILED');
        break;
      }
    }
    // A stack waiting for another has nothing of its own to time yet.
    const time = s.phase === 'planning' && doing.startsWith('waiting') ? '' : this.paint('2', elapsed);
    return [this.name(s.stack), counts, doing, time].filter(Boolean).join('  ');
  }

  private onEvent(progress: TerraformProgress, event: Exclude<ProgressEvent, { kind: 'other' }>): void {
    const s = progress.stack(event.stack)!;
    if (event.kind === 'failed') {
      // The first failure settles the stack's line; each failure shows its own error.
      const first = !this.settled.has(s.stack);
      this.settled.add(s.stack);
      const lines: string[] = [];
      if (first && event.failure.lines.length === 0) {
        // Failed without an error of its own: another stack's failure stopped the run.
        lines.push(s.total === undefined ? `${this.name(s.stack)}  not run` : `${this.line(s)} (stopped: the run failed)`);
      } else if (first) lines.push(this.line(s));
      else if (event.failure.lines.length > 0) lines.push(`${this.name(s.stack)}  also failed${event.failure.resource ? ` at ${event.failure.resource}` : ''}`);
      lines.push(...event.failure.lines.slice(-this.options.errorLines).map((l) => `    ${l.slice(0, MAX_ERROR_LINE)}`));
      this.permanent(lines);
      return;
    }
    if (event.kind === 'done') {
      this.settled.add(s.stack);
      this.permanent([this.line(s)]);
      return;
    }
    if (this.options.live) return;
    // Plain mode: a line when a stack starts, when its plan is known, and at each step of it.
    if (event.kind === 'started') this.emit(`${this.name(s.stack)}  initializing`, s.stack);
    if (event.kind === 'planned') {
      this.reported.set(s.stack, 0);
      const p = s.planned!;
      this.emit(`${this.name(s.stack)}  ${s.total === 0 ? 'no changes' : `planned ${s.total}: ${p.add} to add, ${p.change} to change, ${p.destroy} to destroy`}`, s.stack);
    }
    if (event.kind === 'resource' && event.action === 'done' && s.total) {
      const steps = Math.floor(Math.min(s.done, s.total) / (s.total * this.options.step) + 1e-9);
      if (steps > (this.reported.get(s.stack) ?? 0) && s.done < s.total) {
        this.reported.set(s.stack, steps);
        this.emit(this.line(s), s.stack);
      }
    }
  }

  /** Lines that stay: printed above the live block, or in turn in plain mode. */
  private permanent(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (!this.options.live) {
      this.emit(lines.join('\n'));
      return;
    }
    this.options.write(`${this.clearBlock()}${lines.join('\n')}\n`);
    this.drawn = 0;
  }

  private emit(text: string, stack?: string): void {
    if (stack) this.printed.set(stack, this.options.now());
    this.options.write(`${text}\n`);
  }

  private changed(force = false): void {
    if (!this.options.live) return;
    // At most ten redraws a second: parallel applies print hundreds of lines a second.
    if (!force && this.options.now() - this.lastDraw < 100) return;
    this.redraw();
  }

  private redraw(): void {
    if (!this.options.live) return;
    this.lastDraw = this.options.now();
    // A terminal that does not say its width (0 under some pseudo-terminals) gets a common one.
    const width = Math.max(20, (this.options.columns?.() || 100) - 1);
    const lines = this.feeds.flatMap((f) => f.stacks).filter((s) => !this.settled.has(s.stack)).map((s) => cut(this.line(s), width));
    const block = lines.map((l) => `${l}\n`).join('');
    // The same block again would only flicker.
    if (this.drawn > 0 && block === this.shown) return;
    this.options.write(`${this.clearBlock()}${block}`);
    this.drawn = lines.length;
    this.shown = block;
  }

  /** Moves up over the live block and erases it. */
  private clearBlock(): string {
    return this.drawn > 0 ? `\x1b[${this.drawn}A\r\x1b[J` : '';
  }

  private name(stack: string): string {
    const width = Math.max(0, ...this.feeds.flatMap((f) => f.stacks).map((s) => s.stack.length));
    return stack.padEnd(width);
  }

  private paint(code: string, text: string): string {
    return this.options.colour && text ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}

/** 7s, 1m12s, 1h03m. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Cuts a line to `width` visible characters, keeping colour codes whole. */
function cut(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
      continue;
    }
    const room = width - visible;
    if (part.length > room) {
      out += `${part.slice(0, Math.max(0, room - 1))}…`;
      visible = width;
      break;
    }
    out += part;
    visible += part.length;
  }
  return visible >= width && /\x1b\[/.test(out) ? `${out}\x1b[0m` : out;
}

export type { StackFailure };
