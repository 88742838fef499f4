/**
 * A case of several requests (`requests:`) on a simulated clock: each request is received
 * `after` the one before, groups fire and deliveries are claimed at the very times they would be
 * in `serve` (the clock jumps from one due time to the next; nothing waits in real time). The
 * case's own empty store holds the groups, cooldowns and budget windows; `expect.deliveries` is
 * checked against every delivery the whole sequence created, at ingest or when a group fired,
 * each with its fate: sent when, held by a budget until when, or dropped.
 */
import { GroupScheduler } from '../delivery/group-scheduler.ts';
import { requestHeaders } from '../delivery/send.ts';
import { silentLogger } from '../observability/logger.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { CaseError } from './case-error.ts';
import { checkCase, type Observed } from './check-case.ts';
import { type ActualDelivery, type DeliveryFate, matchDeliveries } from './match-deliveries.ts';
import { sendRequest } from './run-case.ts';
import { DeliverySimulator, type SimulatedFate } from './simulate-delivery.ts';
import type { ThrowawaySecrets } from './throwaway-secrets.ts';
import type { CaseResult, Failure, SequenceRequest, TestCase } from './types.ts';

/** Due times worked through between two requests before the runner gives up (a group that keeps reopening). */
const MAX_CLOCK_ROUNDS = 100_000;

export async function runSequence(
  testCase: TestCase,
  requests: readonly SequenceRequest[],
  config: CompiledConfig,
  secrets: ThrowawaySecrets,
): Promise<CaseResult> {
  const base = { name: testCase.name, file: testCase.file, line: testCase.line };
  const store = await openStore('sqlite::memory:');
  try {
    const { failures, last } = await judge(testCase, requests, config, secrets, store);
    return {
      ...base,
      passed: failures.length === 0,
      failures,
      ...(last ? { outcome: { kind: last.kind, httpStatus: last.httpStatus, ignored: last.ignored } } : {}),
    };
  } catch (error) {
    if (!(error instanceof CaseError)) throw error;
    return { ...base, passed: false, failures: [{ message: error.message }] };
  } finally {
    await store.close();
  }
}

async function judge(
  testCase: TestCase,
  requests: readonly SequenceRequest[],
  config: CompiledConfig,
  secrets: ThrowawaySecrets,
  store: Store,
): Promise<{ failures: Failure[]; last: Observed | null }> {
  const fired: ActualDelivery[] = [];
  const scheduler = new GroupScheduler({
    store,
    getConfig: () => config,
    logger: silentLogger(),
    onFired(f) {
      for (const d of f.deliveries) {
        const target = config.targets.get(d.target);
        fired.push({
          id: d.id,
          route: f.route,
          target: d.target,
          mapped: d.error === null ? f.mapped : null,
          headers: target ? requestHeaders(target, d.idempotencyKey) : { 'idempotency-key': d.idempotencyKey },
          error: d.error,
        });
      }
    },
  });
  const delivery = new DeliverySimulator(store, config);
  // Whole seconds: signed timestamps of second-based schemes (Stripe, Slack) stay exact.
  const start = Math.floor(Date.now() / 1000) * 1000;
  let now = start;
  const failures: Failure[] = [];
  let last: Observed | null = null;
  for (const [i, request] of requests.entries()) {
    now += request.afterMs;
    // Groups that went quiet and deliveries that came due before this request go first, as in `serve`.
    await runClockUntil(store, scheduler, delivery, now);
    last = await sendRequest(request, { config, secrets, store }, new Date(now));
    fired.push(...last.deliveries);
    const own = checkCase(request.expect, last);
    for (const f of own) failures.push({ ...f, message: `requests[${i}] (${request.name}): ${f.message}` });
  }
  await runClockUntil(store, scheduler, delivery, Number.POSITIVE_INFINITY);
  const expect = testCase.expect;
  if (last && (expect.status !== undefined || expect.ignored)) {
    failures.push(...checkCase({ ...expect, deliveries: undefined }, last).map((f) => ({ ...f, message: `last request: ${f.message}` })));
  }
  if (expect.deliveries) {
    const withFates = fired.map((d) => ({ ...d, fate: relativeFate(d, d.id === undefined ? undefined : delivery.fateOf(d.id), start) }));
    failures.push(...matchDeliveries(expect.deliveries, withFates));
  }
  return { failures, last };
}

/**
 * Works through every due time up to `until`, earliest first: groups due then fire, then the
 * deliveries due then (those the fire just made included) are claimed, sent, held or dropped.
 */
async function runClockUntil(store: Store, scheduler: GroupScheduler, delivery: DeliverySimulator, until: number): Promise<void> {
  for (let round = 0; round < MAX_CLOCK_ROUNDS; round++) {
    const groupDue = await store.groups.nextGroupDueAt();
    const deliveryDue = await store.nextDueAt();
    const next = Math.min(groupDue ?? Number.POSITIVE_INFINITY, deliveryDue ?? Number.POSITIVE_INFINITY);
    if (next === Number.POSITIVE_INFINITY || next > until) return;
    if (groupDue !== null && groupDue <= next) await scheduler.fireDue(next);
    await delivery.deliverDue(next);
  }
  throw new CaseError(
    `the simulated clock ran through ${MAX_CLOCK_ROUNDS} due times without settling: does a route keep reopening its group?`,
  );
}

/** A fate in ms since the sequence started; a failed route's delivery was stored dead and never sent. */
function relativeFate(d: ActualDelivery, fate: SimulatedFate | undefined, start: number): DeliveryFate {
  if (d.error !== null) return { sentAt: null, held: null, dead: { reason: 'map_error', budget: null } };
  if (!fate) throw new CaseError(`delivery ${d.id ?? '(no id)'} (${d.route} → ${d.target}) was never claimed on the simulated clock`);
  return {
    sentAt: fate.sentAt === null ? null : fate.sentAt - start,
    held: fate.held ? { budget: fate.held.budget, until: fate.held.until - start } : null,
    dead: fate.dead,
  };
}
