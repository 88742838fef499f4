/**
 * The target kinds, in one list. Adding a kind: write its module with defineTargetKind, add it
 * here, and give it a table test of its classifier; the schema, the compiler, the sender and
 * `validate` pick it up from this list.
 */
import { routineKind } from './routine.ts';
import type { TargetKind, TargetKindName } from './types.ts';
import { urlKind } from './url.ts';

export const TARGET_KINDS: readonly TargetKind[] = Object.freeze([urlKind, routineKind]);

const BY_NAME = new Map<string, TargetKind>(TARGET_KINDS.map((kind) => [kind.name, kind]));

export function targetKind(name: TargetKindName): TargetKind {
  const kind = BY_NAME.get(name);
  if (!kind) throw new Error(`unknown target kind "${name}"`);
  return kind;
}

/** The kind a target's config declares (the one kind field it has), or null when it has none. */
export function kindOfConfig(config: object): TargetKind | null {
  for (const kind of TARGET_KINDS) if (Reflect.get(config, kind.field) !== undefined) return kind;
  return null;
}
