/**
 * One case's verdict: the observed outcome of the request against its `expect:` block.
 */
import type { IgnoredReason } from '../store/types.ts';
import { type ActualDelivery, matchDeliveries } from './match-deliveries.ts';
import type { Expectation, ExpectedIgnored, Failure } from './types.ts';

/** What the pipeline did with the case's request, in the terms a test can expect. */
export interface Observed {
  readonly kind: 'accepted' | 'ignored' | 'duplicate' | 'handshake' | 'rejected';
  /** The HTTP status the router would answer. */
  readonly httpStatus: number;
  /** The answer's body, shown when the status is not the expected one (an error message, say). */
  readonly replyBody: string;
  readonly deliveries: readonly ActualDelivery[];
  readonly ignored: readonly IgnoredReason[];
}

export function checkCase(expect: Expectation, observed: Observed): Failure[] {
  if (expect.status !== undefined && !statusMatches(expect.status, observed)) {
    return [
      {
        message: `status: expected ${expect.status}, got ${describeStatus(observed)}`,
        path: 'status',
        expected: expect.status,
        actual: typeof expect.status === 'number' || !isEventKind(observed.kind) ? observed.httpStatus : observed.kind,
      },
    ];
  }
  const failures: Failure[] = [];
  if (expect.deliveries) failures.push(...matchDeliveries(expect.deliveries, observed.deliveries));
  if (expect.ignored) failures.push(...matchIgnored(expect.ignored, observed.ignored));
  return failures;
}

function statusMatches(expected: NonNullable<Expectation['status']>, observed: Observed): boolean {
  return typeof expected === 'number' ? observed.httpStatus === expected : observed.kind === expected;
}

function isEventKind(kind: Observed['kind']): boolean {
  return kind === 'accepted' || kind === 'ignored' || kind === 'duplicate';
}

function describeStatus(o: Observed): string {
  return isEventKind(o.kind) ? `${o.kind} (${o.httpStatus})` : `${o.httpStatus} ${o.replyBody}`;
}

/** The complete list of routes that ignored the event, any order; `reason` is a substring. */
function matchIgnored(expected: readonly ExpectedIgnored[], actual: readonly IgnoredReason[]): Failure[] {
  const failures: Failure[] = [];
  const left = [...actual];
  expected.forEach(function findIgnored(e, i) {
    const at = left.findIndex((a) => a.route === e.route && (e.reason === undefined || a.reason.includes(e.reason)));
    if (at !== -1) {
      left.splice(at, 1);
      return;
    }
    const sameRoute = left.find((a) => a.route === e.route);
    failures.push(
      sameRoute
        ? {
            message: `ignored[${i}] (${e.route}): reason differs`,
            path: `ignored[${i}].reason`,
            expected: e.reason,
            actual: sameRoute.reason,
          }
        : { message: `ignored[${i}]: route ${e.route} did not ignore the event`, expected: e, actual },
    );
  });
  for (const extra of left) {
    if (expected.some((e) => e.route === extra.route)) continue;
    failures.push({ message: `unexpected ignored route ${extra.route}`, actual: extra });
  }
  return failures;
}
