/**
 * `expect.deliveries` is the complete list of deliveries in any order: pair each expected entry
 * with a distinct actual delivery (a small bipartite matching), then explain what is left over.
 */
import { type Difference, exactDiff, headersDiff, subsetDiff } from './match.ts';
import type { ExpectedDelivery, Failure } from './types.ts';

/** A delivery as the runner observed it. */
export interface ActualDelivery {
  readonly route: string;
  readonly target: string;
  /** The route's mapped value, before routine wrapping. */
  readonly mapped: unknown;
  /** Every header the target would be sent. */
  readonly headers: Readonly<Record<string, string>>;
  /** The filter/map error, or null. */
  readonly error: string | null;
}

/** The first way `actual` differs from `expected`, with a path rooted at the delivery. */
export function deliveryDiff(expected: ExpectedDelivery, actual: ActualDelivery): Difference | null {
  if (expected.route !== undefined && expected.route !== actual.route) {
    return { path: 'route', expected: expected.route, actual: actual.route };
  }
  if (expected.target !== undefined && expected.target !== actual.target) {
    return { path: 'target', expected: expected.target, actual: actual.target };
  }
  if (expected.error !== undefined) {
    if (actual.error === null || !actual.error.includes(expected.error)) {
      return { path: 'error', expected: expected.error, actual: actual.error, note: 'error should contain the expected text' };
    }
  } else if (actual.error !== null) {
    return { path: 'error', expected: null, actual: actual.error, note: 'the route failed' };
  }
  if (expected.body) {
    const d = subsetDiff(expected.body.value, actual.mapped, 'body');
    if (d) return d;
  }
  if (expected.bodyEquals) {
    const d = exactDiff(expected.bodyEquals.value, actual.mapped, 'bodyEquals');
    if (d) return d;
  }
  if (expected.headers) {
    const d = headersDiff(expected.headers, actual.headers);
    if (d) return { ...d, path: `headers${d.path}`, actual: redactHeader(d.path, d.actual) };
  }
  return null;
}

/** Credentials a target is sent are never printed, even in a failed expectation. */
const SENSITIVE_HEADERS = new Set(['["authorization"]', '["proxy-authorization"]', '["cookie"]', '["x-api-key"]']);

function redactHeader(path: string, value: unknown): unknown {
  return SENSITIVE_HEADERS.has(path) && value !== undefined ? '[redacted]' : value;
}

export function matchDeliveries(expected: readonly ExpectedDelivery[], actual: readonly ActualDelivery[]): Failure[] {
  const fits = expected.map((e) => actual.map((a) => deliveryDiff(e, a) === null));
  const owner = maximumMatching(fits, actual.length);
  const matchedExpected = new Set(owner.filter((i): i is number => i !== -1));
  const free = actual.map((_, j) => owner[j] === -1);
  const failures: Failure[] = [];

  expected.forEach(function explainMissing(e, i) {
    if (matchedExpected.has(i)) return;
    const label = `deliveries[${i}]${describe(e.route, e.target)}`;
    const j = closestCandidate(e, actual, free);
    if (j === -1) {
      failures.push({ message: `${label}: no such delivery`, expected: summarizeExpected(e), actual: actual.map(summarize) });
      return;
    }
    free[j] = false;
    const d = deliveryDiff(e, actual[j]!)!;
    failures.push({
      message: `${label}: ${d.note ?? 'differs'} at ${d.path}`,
      path: d.path,
      expected: d.expected,
      actual: d.actual,
    });
  });
  actual.forEach(function explainExtra(a, j) {
    if (owner[j] !== -1 || !free[j]) return;
    failures.push({ message: `unexpected delivery${describe(a.route, a.target)}`, actual: summarize(a) });
  });
  return failures;
}

/** For each actual index, the expected index it is paired with, or -1 (Kuhn's augmenting paths). */
function maximumMatching(fits: readonly (readonly boolean[])[], actualCount: number): number[] {
  const owner = new Array<number>(actualCount).fill(-1);
  function tryAssign(i: number, seen: boolean[]): boolean {
    for (let j = 0; j < actualCount; j++) {
      if (!fits[i]![j] || seen[j]) continue;
      seen[j] = true;
      if (owner[j] === -1 || tryAssign(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  }
  for (let i = 0; i < fits.length; i++) tryAssign(i, new Array<boolean>(actualCount).fill(false));
  return owner;
}

/** The free actual delivery most like `e`: same route and target, else same route or target, else any. */
function closestCandidate(e: ExpectedDelivery, actual: readonly ActualDelivery[], free: readonly boolean[]): number {
  function score(a: ActualDelivery): number {
    return (e.route === undefined || e.route === a.route ? 2 : 0) + (e.target === undefined || e.target === a.target ? 1 : 0);
  }
  let best = -1;
  for (let j = 0; j < actual.length; j++) {
    if (!free[j]) continue;
    if (best === -1 || score(actual[j]!) > score(actual[best]!)) best = j;
  }
  return best;
}

function describe(route: string | undefined, target: string | undefined): string {
  if (route === undefined && target === undefined) return '';
  return ` (${route ?? '*'} → ${target ?? '*'})`;
}

function summarize(a: ActualDelivery): Record<string, unknown> {
  return { route: a.route, target: a.target, ...(a.error === null ? { body: a.mapped } : { error: a.error }) };
}

function summarizeExpected(e: ExpectedDelivery): Record<string, unknown> {
  return {
    ...(e.route !== undefined ? { route: e.route } : {}),
    ...(e.target !== undefined ? { target: e.target } : {}),
    ...(e.body ? { body: e.body.value } : {}),
    ...(e.bodyEquals ? { bodyEquals: e.bodyEquals.value } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
  };
}
