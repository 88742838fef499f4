/**
 * Expectation matching for config tests: subset match (`body`), exact match (`bodyEquals`) and
 * header subsets. Each answers with the JSON path of the first difference, or null when it matches.
 */

export interface Difference {
  /** Path from the compared root, e.g. `plan`, `items[0].price`, `["x-team"]`; "" is the root. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  /** What kind of difference, when not a plain value mismatch ("missing", "extra key", "length"). */
  readonly note?: string;
}

/**
 * Does `actual` contain `expected`? Objects: every expected key is present with a matching value
 * (extra keys in actual are fine). Arrays: same length, items matched in order. Scalars: equal.
 */
export function subsetDiff(expected: unknown, actual: unknown, at = ''): Difference | null {
  return compare(expected, actual, at, true);
}

/** Is `actual` exactly `expected` (no extra keys anywhere)? */
export function exactDiff(expected: unknown, actual: unknown, at = ''): Difference | null {
  return compare(expected, actual, at, false);
}

function compare(expected: unknown, actual: unknown, at: string, subset: boolean): Difference | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { path: at, expected, actual };
    if (expected.length !== actual.length) {
      return { path: at, expected, actual, note: `expected ${expected.length} items, got ${actual.length}` };
    }
    for (let i = 0; i < expected.length; i++) {
      const d = compare(expected[i], actual[i], `${at}[${i}]`, subset);
      if (d) return d;
    }
    return null;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return { path: at, expected, actual };
    for (const [key, value] of Object.entries(expected)) {
      const path = joinKey(at, key);
      if (!Object.hasOwn(actual, key)) return { path, expected: value, actual: undefined, note: 'missing' };
      const d = compare(value, actual[key], path, subset);
      if (d) return d;
    }
    if (!subset) {
      for (const key of Object.keys(actual)) {
        if (!Object.hasOwn(expected, key)) {
          return { path: joinKey(at, key), expected: undefined, actual: actual[key], note: 'extra key' };
        }
      }
    }
    return null;
  }
  const pattern = typeof expected === 'string' ? stringPattern(expected) : null;
  if (pattern) {
    return typeof actual === 'string' && pattern.test(actual) ? null : { path: at, expected, actual, note: 'does not match the pattern' };
  }
  return Object.is(expected, actual) || (expected === 0 && actual === 0) ? null : { path: at, expected, actual };
}

/**
 * An expected string written `~/regex/flags` matches any string the regular expression finds
 * (`"~/2 events/"`, `"~/^Sentry issue \d+/"`); any other string must be equal. Flags: i, m, s, u.
 */
export function stringPattern(expected: string): RegExp | null {
  const m = /^~\/(.*)\/([imsu]*)$/s.exec(expected);
  if (!m) return null;
  try {
    return new RegExp(m[1]!, m[2]);
  } catch {
    return null;
  }
}

/**
 * Every expected header is sent with that value; names compare case-insensitively, values exactly.
 * The path names the header, e.g. `["idempotency-key"]`.
 */
export function headersDiff(expected: Readonly<Record<string, string>>, actual: Readonly<Record<string, string>>): Difference | null {
  const lower = new Map(Object.entries(actual).map(([k, v]) => [k.toLowerCase(), v] as const));
  for (const [name, value] of Object.entries(expected)) {
    const key = name.toLowerCase();
    const got = lower.get(key);
    const path = `[${JSON.stringify(key)}]`;
    if (got === undefined) return { path, expected: value, actual: undefined, note: 'missing' };
    if (got !== value) return { path, expected: value, actual: got };
  }
  return null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `a.b`, or `a["x-y"]` for keys that are not plain identifiers. */
export function joinKey(at: string, key: string): string {
  if (IDENTIFIER.test(key)) return at === '' ? key : `${at}.${key}`;
  return `${at}[${JSON.stringify(key)}]`;
}
