/**
 * A case of several requests (`requests:`) on a simulated clock: each request is received
 * `after` the one before, and groups fire at the very times they would in `serve` (the clock
 * jumps from one due time to the next; nothing waits in real time). The case's own empty store
 * holds the groups and cooldowns; `expect.deliveries` is checked against every delivery the whole
 * sequence created, at ingest or when a group fired.
 */
import { GroupScheduler } from '../delivery/group-scheduler.ts';
import { requestHeaders } from '../delivery/send.ts';
import { silentLogger } from '../observability/logger.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { CaseError } from './case-error.ts';
import { checkCase, type Observed } from './check-case.ts';
import { type ActualDelivery, matchDeliveries } from './match-deliveries.ts';
import { sendRequest } from './run-case.ts';
import type { ThrowawaySecrets } from './throwaway-secrets.ts';
import type { CaseResult, Failure, SequenceRequest, TestCase } from './types.ts';

/** Due times worked through after the last request before the runner gives up (a group that keeps reopening). */
const MAX_FIRE_ROUNDS = 100_000;

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
          route: f.route,
          target: d.target,
          mapped: d.error === null ? f.mapped : null,
          headers: target ? requestHeaders(target, d.idempotencyKey) : { 'idempotency-key': d.idempotencyKey },
          error: d.error,
        });
      }
    },
  });
  // Whole seconds: signed timestamps of second-based schemes (Stripe, Slack) stay exact.
  let now = Math.floor(Date.now() / 1000) * 1000;
  const failures: Failure[] = [];
  let last: Observed | null = null;
  for (const [i, request] of requests.entries()) {
    now += request.afterMs;
    // Groups that went quiet before this request fire first, as they would have in `serve`.
    await fireUntil(store, scheduler, now);
    last = await sendRequest(request, { config, secrets, store }, new Date(now));
    fired.push(...last.deliveries);
    const own = checkCase(request.expect, last);
    for (const f of own) failures.push({ ...f, message: `requests[${i}] (${request.name}): ${f.message}` });
  }
  await fireUntil(store, scheduler, Number.POSITIVE_INFINITY);
  const expect = testCase.expect;
  if (last && (expect.status !== undefined || expect.ignored)) {
    failures.push(...checkCase({ ...expect, deliveries: undefined }, last).map((f) => ({ ...f, message: `last request: ${f.message}` })));
  }
  if (expect.deliveries) failures.push(...matchDeliveries(expect.deliveries, fired));
  return { failures, last };
}

/** Fires every group due up to `until`, one due time after the other, on the simulated clock. */
async function fireUntil(store: Store, scheduler: GroupScheduler, until: number): Promise<void> {
  for (let round = 0; round < MAX_FIRE_ROUNDS; round++) {
    const next = await store.groups.nextGroupDueAt();
    if (next === null || next > until) return;
    await scheduler.fireDue(next);
  }
  throw new CaseError(`groups kept firing for ${MAX_FIRE_ROUNDS} rounds: does a route keep reopening its group?`);
}
