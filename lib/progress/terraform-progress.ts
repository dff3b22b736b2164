/**
 * What a cdktf run has got to, read from what it prints: per stack, the resources Terraform
 * planned to change, how many it has finished, what it is working on, and where it failed.
 * Pure: it reads text and a clock, prints nothing, so a recorded log replays exactly.
 *
 * What cdktf 0.21 prints (recorded in test/deploy/fixtures/): each chunk a stack's Terraform
 * writes, its first line prefixed with the stack name and two spaces, the chunk's further lines
 * indented to the same width; its own status lines ("0 Stacks deploying ...") unprefixed.
 * Terraform's own lines are `<address> (<construct path>): Creating...`, `... Creation complete
 * after 2s [id=...]`, `Still creating... [10s elapsed]`, a `Plan: N to add, M to change, K to
 * destroy.` line, `Apply complete! Resources: ...` at the end, and `Error: ...` blocks naming the
 * resource on a `with <address>,` line.
 */

/** Where a stack is. */
export type StackPhase = 'waiting' | 'planning' | 'applying' | 'done' | 'failed';

export type ResourceAction = 'creating' | 'modifying' | 'destroying';

export interface InFlight {
  readonly address: string;
  readonly action: ResourceAction;
  /** When its first line came (ms, the parser's clock). */
  readonly since: number;
}

export interface StackFailure {
  /** The failing resource's address, when Terraform names it (`with <address>,`). */
  readonly resource?: string;
  /** Its construct path, e.g. provisioning/document. */
  readonly path?: string;
  /** The error: its `Error:` line and the explanation under it, without the source excerpt. */
  readonly lines: readonly string[];
}

export interface StackProgress {
  readonly stack: string;
  readonly phase: StackPhase;
  /** Changes Terraform planned (add + change + destroy); undefined until its plan is printed. */
  readonly total?: number;
  readonly planned?: { readonly add: number; readonly change: number; readonly destroy: number };
  /** Resources created, modified or destroyed so far. */
  readonly done: number;
  /** Resources being worked on, oldest first. */
  readonly inFlight: readonly InFlight[];
  /** When the stack's first line came (ms); undefined while waiting. */
  readonly startedAt?: number;
  /** `terraform init` is done: a stack that has not planned yet waits for its turn or plans. */
  readonly initialized: boolean;
  /**
   * When its first line after init came (ms): when it began to plan, after any wait for the
   * stacks before it. Its own time counts from here.
   */
  readonly planningSince?: number;
  /** When it finished or failed (ms). */
  readonly finishedAt?: number;
  /** Terraform's own summary ("Resources: 3 added, 0 changed, 0 destroyed."), once applied. */
  readonly summary?: string;
  readonly failures: readonly StackFailure[];
}

/** What changed, one per line that matters: what a plain-line renderer prints from. */
export type ProgressEvent =
  | { readonly kind: 'started'; readonly stack: string }
  | { readonly kind: 'planned'; readonly stack: string; readonly total: number }
  | { readonly kind: 'resource'; readonly stack: string; readonly address: string; readonly action: ResourceAction | 'done' }
  | { readonly kind: 'done'; readonly stack: string }
  | { readonly kind: 'failed'; readonly stack: string; readonly failure: StackFailure }
  /** A line that belongs to no stack (cdktf's own), kept for whoever wants it. */
  | { readonly kind: 'other'; readonly line: string };

export interface TerraformProgressOptions {
  /**
   * The stacks the run covers, shown as waiting until they print; their names also tell stack
   * prefixes from other text. @default none: stacks appear as they print
   */
  readonly stacks?: readonly string[];
  /** @default Date.now */
  readonly now?: () => number;
}

const STARTS: Record<string, ResourceAction> = { Creating: 'creating', Modifying: 'modifying', Destroying: 'destroying' };
// "aws_sqs_queue.q_1A2B (data/q): Creation complete after 2s [id=...]"; the construct path is cdktf's.
const RESOURCE_LINE = /^((?:data\.)?[a-z][a-z0-9_]*\.[^\s:(]+)(?: \(([^)]*)\))?: (.*)$/;
const PLAN_LINE = /Plan: (?:\d+ to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy\./;
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;
// Terraform frames diagnostics with box drawing at a terminal; cdktf's CI mode does not, but a
// log may come from either.
const FRAME = /^[│╷╵]\s?/;

interface MutableStack {
  stack: string;
  phase: StackPhase;
  total?: number;
  planned?: { add: number; change: number; destroy: number };
  done: number;
  inFlight: InFlight[];
  startedAt?: number;
  initialized: boolean;
  planningSince?: number;
  finishedAt?: number;
  summary?: string;
  failures: StackFailure[];
  /** Address -> the id Terraform last printed for it (`[id=...]`), to tie an error to it. */
  ids: Map<string, string>;
  /** The error block being read, if any. */
  error?: { lines: string[]; resource?: string; path?: string; inSource: boolean };
}

/** Reads one cdktf run's output, chunk by chunk, into per-stack progress. */
export class TerraformProgress {
  private readonly now: () => number;
  private readonly known: ReadonlySet<string>;
  private readonly byName = new Map<string, MutableStack>();
  private partial = '';
  /** The stack the last prefixed line named: unprefixed, indented lines continue it. */
  private current?: MutableStack;

  constructor(options: TerraformProgressOptions = {}) {
    this.now = options.now ?? Date.now;
    this.known = new Set(options.stacks ?? []);
    for (const stack of options.stacks ?? []) this.stackNamed(stack);
  }

  /** Every stack seen or announced, in the order they came. */
  get stacks(): readonly StackProgress[] {
    return [...this.byName.values()].map(({ ids, error, ...s }) => ({ ...s, inFlight: [...s.inFlight], failures: [...s.failures] }));
  }

  stack(name: string): StackProgress | undefined {
    return this.stacks.find((s) => s.stack === name);
  }

  /** Takes the next chunk the CLI printed; returns what changed. */
  write(chunk: string): ProgressEvent[] {
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    return lines.flatMap((line) => this.line(line));
  }

  /**
   * The run ended: reads a last unterminated line and settles every stack. `ok` is the CLI's
   * verdict; a stack still running when a failed run ends has failed, even without an error of
   * its own (cdktf stops the others when one fails).
   */
  end(ok: boolean): ProgressEvent[] {
    const events = this.partial ? this.line(this.partial) : [];
    this.partial = '';
    for (const s of this.byName.values()) {
      events.push(...this.closeError(s));
      if (s.phase === 'done' || s.phase === 'failed') continue;
      if (ok && s.phase !== 'waiting') {
        events.push(...this.finish(s, 'done'));
      } else if (!ok && s.phase !== 'waiting') {
        events.push(...this.finish(s, 'failed'));
      }
    }
    return events;
  }

  private stackNamed(name: string): MutableStack {
    let s = this.byName.get(name);
    if (!s) {
      s = { stack: name, phase: 'waiting', done: 0, inFlight: [], failures: [], initialized: false, ids: new Map() };
      this.byName.set(name, s);
    }
    return s;
  }

  private line(raw: string): ProgressEvent[] {
    const line = raw.replace(ESCAPES, '').trimEnd();
    const prefixed = /^([A-Za-z0-9][\w.-]*) {2,}(.*)$/.exec(line);
    if (prefixed && (this.known.size === 0 || this.known.has(prefixed[1])) && !/^\d+$/.test(prefixed[1])) {
      const s = this.stackNamed(prefixed[1]);
      this.current = s;
      return this.stackLine(s, prefixed[2].trim());
    }
    if (this.current && (line === '' || /^\s/.test(line))) return this.stackLine(this.current, line.trim());
    // cdktf's own status line or message: the chunk of the stack before it is over.
    this.current = undefined;
    return line ? [{ kind: 'other', line }] : [];
  }

  private stackLine(s: MutableStack, rawText: string): ProgressEvent[] {
    const events: ProgressEvent[] = [];
    if (s.phase === 'waiting') {
      s.phase = 'planning';
      s.startedAt = this.now();
      events.push({ kind: 'started', stack: s.stack });
    }
    const text = rawText.replace(FRAME, '').trim();

    if (/^Error: /.test(text)) {
      events.push(...this.closeError(s));
      s.error = { lines: [text], inSource: false };
      return events;
    }
    if (s.error) {
      if (this.errorLine(s, text)) return events;
      events.push(...this.closeError(s));
    }

    if (/^Terraform has been successfully initialized!/.test(text)) s.initialized = true;
    else if (s.initialized && s.planningSince === undefined && text !== '') s.planningSince = this.now();
    const plan = PLAN_LINE.exec(text);
    if (plan) {
      const [add, change, destroy] = plan.slice(1, 4).map(Number);
      s.planned = { add, change, destroy };
      s.total = add + change + destroy;
      s.phase = 'applying';
      events.push({ kind: 'planned', stack: s.stack, total: s.total });
      return events;
    }
    if (/^No changes\. /.test(text)) {
      s.planned = { add: 0, change: 0, destroy: 0 };
      s.total = 0;
      s.phase = 'applying';
      events.push({ kind: 'planned', stack: s.stack, total: 0 });
      return events;
    }
    const summary = /^(?:Apply|Destroy) complete! (Resources: .*)$/.exec(text);
    if (summary) {
      s.summary = summary[1];
      events.push(...this.finish(s, 'done'));
      return events;
    }

    const resource = RESOURCE_LINE.exec(text);
    if (!resource || resource[1].startsWith('data.')) return events;
    const [, address, , status] = resource;
    const id = /\[id=([^,\]]+)/.exec(status);
    if (id) s.ids.set(address, id[1]);
    const started = /^(Creating|Modifying|Destroying)\.\.\./.exec(status);
    if (started) {
      s.inFlight = s.inFlight.filter((r) => r.address !== address);
      s.inFlight.push({ address, action: STARTS[started[1]], since: this.now() });
      events.push({ kind: 'resource', stack: s.stack, address, action: STARTS[started[1]] });
    } else if (/^(Creation|Modifications|Destruction) complete/.test(status)) {
      s.inFlight = s.inFlight.filter((r) => r.address !== address);
      s.done += 1;
      events.push({ kind: 'resource', stack: s.stack, address, action: 'done' });
    }
    return events;
  }

  /**
   * Reads a line of an error block; false when the block is over. Terraform's block: the
   * `Error:` line, a blank line, `with <address> (<path>),`, `on <file> line N, in ...:`, the
   * source lines (`N: ...`), a blank line, then the explanation, up to the next blank line.
   */
  private errorLine(s: MutableStack, text: string): boolean {
    const error = s.error!;
    if (/^with .*,$/.test(text)) {
      // `with provider["registry.terraform.io/hashicorp/aws"],` names no resource.
      const named = /^with ([a-z][a-z0-9_]*\.[^\s,(]+)(?: \(([^)]*)\))?,$/.exec(text);
      if (named) {
        error.resource = named[1];
        error.path = named[2];
      }
      return true;
    }
    if (/^on \S+ line \d+/.test(text)) {
      error.inSource = true;
      return true;
    }
    if (error.inSource && /^\d+:/.test(text)) return true;
    if (text === '') {
      if (error.inSource) {
        error.inSource = false;
        return true;
      }
      // A blank line right after the Error: line comes before `with`; a blank after prose ends it.
      return error.lines.length === 1 && !error.resource;
    }
    if (/^(\d+ Stacks? |Invoking Terraform CLI)/.test(text)) return false;
    error.lines.push(text);
    return true;
  }

  private closeError(s: MutableStack): ProgressEvent[] {
    const error = s.error;
    if (!error) return [];
    s.error = undefined;
    // Without a `with` line (the provider's own errors, e.g. detaching an interface on destroy),
    // the resource in flight whose id the error quotes; or the only one in flight; else none,
    // rather than a wrong one.
    const text = error.lines.join('\n');
    const quoted = s.inFlight.find((r) => s.ids.has(r.address) && text.includes(s.ids.get(r.address)!));
    const resource = error.resource ?? quoted?.address ?? (s.inFlight.length === 1 ? s.inFlight[0].address : undefined);
    const failure: StackFailure = { ...(resource ? { resource } : {}), ...(error.path ? { path: error.path } : {}), lines: error.lines };
    s.failures.push(failure);
    if (resource) s.inFlight = s.inFlight.filter((r) => r.address !== resource);
    const events: ProgressEvent[] = [{ kind: 'failed', stack: s.stack, failure }];
    if (s.phase !== 'failed') {
      s.phase = 'failed';
      s.finishedAt = this.now();
    }
    return events;
  }

  private finish(s: MutableStack, phase: 'done' | 'failed'): ProgressEvent[] {
    if (s.phase === 'failed') return [];
    s.phase = phase;
    s.finishedAt = this.now();
    if (phase === 'done') s.inFlight = [];
    return [phase === 'done' ? { kind: 'done', stack: s.stack } : { kind: 'failed', stack: s.stack, failure: { lines: [] } }];
  }
}
