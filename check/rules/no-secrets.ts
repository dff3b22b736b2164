import { violation, type RuleCheck, type Violation } from '../rule';
import type { TerraformResource } from '../stack-view';

/** What a secret looks like in text. Findings name the place and the kind, never the value. */
const SECRET_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ['an AWS access key id', /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Z0-9])/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['an AWS secret access key', /aws_secret_access_key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}/i],
  ['a password in a URL', /[a-z][a-z0-9+.-]*:\/\/[^\s/:@${}]+:[^\s/@${}]+@/i],
  // Not a Secrets Manager ARN (`...:secret:<name>`), nor a printf placeholder that a script fills
  // at run time (`PASSWORD: %s`).
  ['a password or token assignment', /(?<!:)(?:password|passwd|secret|api_?key|token)["']?\s*[:=]\s*["']?(?!\$\{|%[sdq]\b)[^\s"'${}]{6,}/i],
];

/** Attribute names that hold a secret: a literal value there is a secret in the output. */
const SECRET_ATTRIBUTE = /(?:^|_)(?:password|passwd|secret|secret_key|access_key|api_key|private_key|token)$/i;

function* strings(value: unknown, path: string): Generator<readonly [string, string, string]> {
  if (typeof value === 'string') {
    yield [path, path.split('.').pop() ?? '', value];
    // Boot scripts are often base64; look inside them too.
    if (/user_data(_base64)?$/.test(path) && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0) {
      yield [`${path} (decoded)`, '', Buffer.from(value, 'base64').toString('utf8')];
    }
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (key !== '//') yield* strings(item, path ? `${path}.${key}` : key);
  }
}

function secretsIn(value: unknown): string[] {
  const found: string[] = [];
  for (const [path, attribute, text] of strings(value, '')) {
    if (SECRET_ATTRIBUTE.test(attribute) && text !== '' && !text.startsWith('${')) found.push(`${path} holds a literal secret`);
    for (const [kind, pattern] of SECRET_PATTERNS) if (pattern.test(text)) found.push(`${path} holds what looks like ${kind}`);
  }
  return found;
}

/**
 * Nothing in the synthesized configuration looks like a secret: it is written to disk, kept in
 * state and shown in plans. Secrets belong in Secrets Manager or SSM, read at run time.
 */
export const noSecrets: RuleCheck = ({ stack }) => {
  const found: Violation[] = stack.resources.flatMap((resource) => secretsIn(resource.values).map((problem) => violation(resource, problem)));
  // Outputs, variables, locals, providers and data sources are not resources; a finding names the block.
  const blocks: Array<readonly [string, unknown]> = [
    ...(['output', 'variable', 'locals', 'provider'] as const).flatMap((block) => Object.entries(stack.json[block] ?? {}).map(([name, value]) => [`${block}.${name}`, value] as const)),
    ...Object.entries(stack.json.data ?? {}).flatMap(([type, byName]) => Object.entries(byName).map(([name, value]) => [`data.${type}.${name}`, value] as const)),
  ];
  for (const [address, value] of blocks) {
    const block: TerraformResource = { type: address.split('.')[0], name: address, address, path: `${stack.name}/${address}`, values: {} };
    for (const problem of secretsIn(value)) found.push(violation(block, problem));
  }
  return found;
};
