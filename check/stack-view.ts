/**
 * A synthesized stack as the rules read it: every resource with its Terraform address, the
 * construct path it came from, and its attributes, plus the provider's default tags.
 *
 * The rules read the JSON cdktf writes (cdk.tf.json), not the constructs, so they see exactly
 * what Terraform will apply, whichever module or escape hatch produced it.
 */

/** A synthesized stack's JSON (Terraform's JSON configuration syntax). */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, ReadonlyArray<Record<string, unknown>>>;
  readonly output?: Record<string, Record<string, unknown>>;
  readonly [key: string]: unknown;
}

export interface TerraformResource {
  readonly type: string;
  readonly name: string;
  /** `<type>.<name>`: what terraform plan prints and what a suppression names. */
  readonly address: string;
  /** The construct path (`ops-data/bucket-archive/policy`), for people to find the code. */
  readonly path: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export class StackView {
  readonly resources: readonly TerraformResource[];
  private readonly byAddress = new Map<string, TerraformResource>();

  constructor(
    readonly name: string,
    readonly json: TerraformJson,
  ) {
    const resources: TerraformResource[] = [];
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      for (const [name, values] of Object.entries(byName)) {
        const metadata = (values['//'] as { metadata?: { path?: string } } | undefined)?.metadata;
        const resource = { type, name, address: `${type}.${name}`, path: metadata?.path ?? `${name}`, values };
        resources.push(resource);
        this.byAddress.set(resource.address, resource);
      }
    }
    this.resources = resources;
  }

  ofType(type: string): TerraformResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  resource(address: string): TerraformResource | undefined {
    return this.byAddress.get(address);
  }

  /** The AWS provider's default tags (the first aws provider block). */
  get defaultTags(): Readonly<Record<string, string>> {
    const aws = this.json.provider?.aws?.[0];
    const blocks = asList(aws?.default_tags) as Array<{ tags?: Record<string, string> }>;
    return Object.assign({}, ...blocks.map((b) => b.tags ?? {})) as Record<string, string>;
  }
}

/** Terraform JSON writes a nested block as an object or as a list of them; rules want a list. */
export function asList(value: unknown): Array<Record<string, unknown>> {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown>>;
}

/** An attribute as a finding quotes it: strings as they are, anything else as JSON (never "[object Object]"). */
export function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
}

/** A boolean attribute as Terraform reads it: true and "true" are both true. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

const REFERENCE = /^\$\{((?:data\.)?[a-z0-9_]+\.[^.}\s]+)(?:\.[a-z0-9_]+)*\}$/;

/** The address a whole-value reference points at: "${aws_s3_bucket.b.id}" -> "aws_s3_bucket.b". */
export function referencedAddress(value: unknown): string | undefined {
  return typeof value === 'string' ? REFERENCE.exec(value)?.[1] : undefined;
}

/**
 * The resource of `type` that `value` names: by reference, or by a literal that equals the
 * resource's `nameAttribute` (a bucket name, a function name), or ends an ARN with it.
 */
export function resolveResource(views: readonly StackView[], type: string, value: unknown, nameAttribute: string): TerraformResource | undefined {
  const address = referencedAddress(value);
  for (const view of views) {
    if (address) {
      const found = view.resource(address);
      if (found?.type === type) return found;
      continue;
    }
    if (typeof value !== 'string') return undefined;
    const found = view.ofType(type).find((r) => {
      const name = r.values[nameAttribute];
      return typeof name === 'string' && (value === name || value.endsWith(`:${name}`));
    });
    if (found) return found;
  }
  return undefined;
}
