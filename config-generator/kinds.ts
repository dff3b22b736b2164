/**
 * The six kinds of environment and the traits the rest of the kit keys its behaviour on.
 * A kind is a preset, not a name: "adt-2" and "dev-alice" are environments of kinds adt and dev.
 */
export const ENVIRONMENT_KINDS = ['dev', 'int', 'ops', 'forward', 'bulk', 'adt'] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

export interface KindTraits {
  /** One line for the wizard's kind menu. */
  readonly title: string;
  /**
   * Operations kinds: their data is protected (prevent_destroy, versioning), deploys need an
   * explicit approval, releases reach them only from I&T, and they may own shared buckets.
   */
  readonly opsLike: boolean;
  /** Temporary kinds carry a lifetime and everything in them may be destroyed. */
  readonly temporary: boolean;
}

export const KIND_TRAITS: Readonly<Record<EnvironmentKind, KindTraits>> = {
  dev: { title: "developers' cluster", opsLike: false, temporary: false },
  int: { title: 'I&T: integration and test of a release', opsLike: false, temporary: false },
  ops: { title: 'operations; owns the shared buckets', opsLike: true, temporary: false },
  forward: { title: 'forward processing (persistent pipeline)', opsLike: true, temporary: false },
  bulk: { title: 'bulk (re)processing of a pre-defined input', opsLike: true, temporary: false },
  adt: { title: 'ADT: temporary pipeline with a lifetime', opsLike: false, temporary: true },
};

export function isOpsLike(kind: EnvironmentKind): boolean {
  return KIND_TRAITS[kind].opsLike;
}
