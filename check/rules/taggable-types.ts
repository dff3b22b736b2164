/**
 * Which resource types take a `tags` map, read from the provider's own generated classes (one
 * deep import per type, as everywhere in the kit): the provider knows, a hand list would rot.
 */
const taggable = new Map<string, boolean>();

export function isTaggable(type: string): boolean {
  let known = taggable.get(type);
  if (known === undefined) {
    const module = `@cdktf/provider-aws/lib/${type.replace(/^aws_/, '').replace(/_/g, '-')}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module path is computed; a static import cannot name it
    const exports = require(module) as Record<string, { tfResourceType?: string; prototype?: object }>;
    const resourceClass = Object.values(exports).find((e) => e?.tfResourceType === type);
    if (!resourceClass?.prototype) throw new Error(`${module} has no class for ${type}`);
    known = Object.getOwnPropertyDescriptor(resourceClass.prototype, 'tagsInput') !== undefined;
    taggable.set(type, known);
  }
  return known;
}
