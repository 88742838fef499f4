/**
 * A structural diff of two mapped values: the paths where they differ (`$.customer.plan`,
 * `$.items[2]`), each with its value before and after. Objects are compared key by key and
 * arrays index by index, so a reviewer sees the one field that changed, not two whole payloads.
 */
import { isDeepStrictEqual } from 'node:util';

export interface Change {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
}

/** The same JSON value (object key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyPath(parent: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** At most `limit` changes, in document order; `truncated` says some were left out. */
export function structuralDiff(before: unknown, after: unknown, limit = 10): { changes: Change[]; truncated: boolean } {
  const changes: Change[] = [];
  let truncated = false;
  const push = (change: Change): void => {
    if (changes.length < limit) changes.push(change);
    else truncated = true;
  };
  walk(before, after, '$');
  return { changes, truncated };

  function walk(a: unknown, b: unknown, at: string): void {
    if (sameValue(a, b)) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of Object.keys(a)) {
        if (!Object.hasOwn(b, key)) push({ path: keyPath(at, key), kind: 'removed', before: a[key] });
        else walk(a[key], b[key], keyPath(at, key));
      }
      for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) push({ path: keyPath(at, key), kind: 'added', after: b[key] });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const length = Math.max(a.length, b.length);
      for (let i = 0; i < length; i++) {
        const path = `${at}[${i}]`;
        if (i >= b.length) push({ path, kind: 'removed', before: a[i] });
        else if (i >= a.length) push({ path, kind: 'added', after: b[i] });
        else walk(a[i], b[i], path);
      }
      return;
    }
    push({ path: at, kind: 'changed', before: a, after: b });
  }
}
