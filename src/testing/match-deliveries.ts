/**
 * `expect.deliveries` is the complete list of deliveries in any order: pair each expected entry
 * with a distinct actual delivery (a small bipartite matching), then explain what is left over.
 */
import { type Difference, exactDiff, headersDiff, subsetDiff } from './match.ts';
import { formatOffset } from './offset.ts';
import type { ExpectedDelivery, Failure } from './types.ts';

/**
 * What the delivery side did with a delivery of a `requests:` case (simulated as `serve` would),
 * times in ms since the sequence started.
 */
export interface DeliveryFate {
  /** When its request was sent (answered 2xx at once); null when it never was. */
  readonly sentAt: number | null;
  /** The budget that held it back before it was sent (or died), and the last time it was held until. */
  readonly held: { readonly budget: string; readonly until: number } | null;
  /** Dead without a request: `over_budget` (an `over: drop` budget), `expired` (held past maxAge), `map_error`. */
  readonly dead: { readonly reason: string; readonly budget: string | null } | null;
}

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
  /** The stored delivery's id (dlv_...), when it was stored. */
  readonly id?: string;
  /** Set in `requests:` cases, where delivery is simulated. */
  readonly fate?: DeliveryFate;
}

/** A difference that explains itself in a whole sentence (a fate reads better than "differs at held"). */
interface DeliveryDifference extends Difference {
  readonly sentence?: string;
}

/** The first way `actual` differs from `expected`, with a path rooted at the delivery. */
export function deliveryDiff(expected: ExpectedDelivery, actual: ActualDelivery): DeliveryDifference | null {
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
  return fateDiff(expected, actual.fate);
}

/**
 * `held`, `dropped` and `sentAt` against the simulated fate. Only `requests:` cases simulate
 * delivery (the parser refuses these fields elsewhere), so without a fate there is nothing to compare.
 */
function fateDiff(expected: ExpectedDelivery, f: DeliveryFate | undefined): DeliveryDifference | null {
  if (f === undefined) return null;
  const dropped = f.dead?.reason === 'over_budget';
  let path: string;
  let wanted: string;
  if (expected.dropped !== undefined && expected.dropped !== dropped) {
    path = 'dropped';
    wanted = expected.dropped ? 'dropped by a budget' : 'not dropped';
  } else if (expected.held !== undefined && expected.held !== (f.held !== null)) {
    path = 'held';
    wanted = expected.held ? 'held by a budget' : 'not held';
  } else if (expected.sentAtMs !== undefined && expected.sentAtMs !== f.sentAt) {
    path = 'sentAt';
    wanted = `sent at +${formatOffset(expected.sentAtMs)}`;
  } else {
    return null;
  }
  const expectedValue = path === 'sentAt' ? `+${formatOffset(expected.sentAtMs ?? 0)}` : path === 'held' ? expected.held : expected.dropped;
  return { path, expected: expectedValue, actual: summarizeFate(f), sentence: `${describeFate(f)}, expected ${wanted}` };
}

/** e.g. "held by budget routine-runs until +1d30s, then sent", "sent at +5m, not held". */
export function describeFate(f: DeliveryFate): string {
  const held = f.held ? `held by budget ${f.held.budget} until +${formatOffset(f.held.until)}` : null;
  if (f.dead) {
    const by = f.dead.budget ? ` by budget ${f.dead.budget}` : '';
    const why = f.dead.reason === 'over_budget' ? `dropped${by} (dead over_budget)` : `never sent (dead ${f.dead.reason})`;
    return held ? `${held}, then ${why}` : why;
  }
  if (f.sentAt === null) return held ? `${held}, never sent` : 'never sent';
  if (!held) return `sent at +${formatOffset(f.sentAt)}, not held`;
  return f.held?.until === f.sentAt ? `${held}, then sent` : `${held}, sent at +${formatOffset(f.sentAt)}`;
}

function summarizeFate(f: DeliveryFate): Record<string, unknown> {
  return {
    ...(f.sentAt !== null ? { sentAt: `+${formatOffset(f.sentAt)}` } : {}),
    held: f.held ? { budget: f.held.budget, until: `+${formatOffset(f.held.until)}` } : false,
    ...(f.dead ? { dead: f.dead.reason } : {}),
  };
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
      message: `${label}: ${d.sentence ?? `${d.note ?? 'differs'} at ${d.path}`}`,
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
  return {
    route: a.route,
    target: a.target,
    ...(a.error === null ? { body: a.mapped } : { error: a.error }),
    ...(a.fate ? { fate: describeFate(a.fate) } : {}),
  };
}

function summarizeExpected(e: ExpectedDelivery): Record<string, unknown> {
  return {
    ...(e.route !== undefined ? { route: e.route } : {}),
    ...(e.target !== undefined ? { target: e.target } : {}),
    ...(e.body ? { body: e.body.value } : {}),
    ...(e.bodyEquals ? { bodyEquals: e.bodyEquals.value } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.held !== undefined ? { held: e.held } : {}),
    ...(e.dropped !== undefined ? { dropped: e.dropped } : {}),
    ...(e.sentAtMs !== undefined ? { sentAt: `+${formatOffset(e.sentAtMs)}` } : {}),
  };
}
