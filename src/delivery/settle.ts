/**
 * One attempt's result → the attempt record and the delivery's next state. Pure: the clock reading
 * and the jitter source come from the caller. What the answer means is the target kind's call
 * (src/targets); what follows from it (backoff, attempts, age) is decided here, once for all kinds.
 */
import type { CompiledTarget } from '../pipeline/types.ts';
import type { AttemptOutcome, DeadReason, Delivery, NewAttempt, Transition } from '../store/types.ts';
import { targetKind } from '../targets/registry.ts';
import type { Verdict } from '../targets/types.ts';
import { expiresAt, nextDelayMs, shouldGiveUp } from './backoff.ts';
import type { SendResult } from './send.ts';

export interface Settlement {
  readonly attempt: NewAttempt;
  readonly transition: Transition;
  readonly outcome: AttemptOutcome;
  readonly deadReason: DeadReason | null;
  /** The kind's verdict on the answer (a 429 is `rate_limited`, for whoever paces the target). */
  readonly verdict: Verdict;
}

export type DeadTransition = Extract<Transition, { readonly status: 'dead' }>;

export type SettledDelivery = Pick<Delivery, 'attemptsInRound' | 'attemptCount' | 'roundStartedAt'>;

export function settle(
  delivery: SettledDelivery,
  target: CompiledTarget,
  result: SendResult,
  times: { readonly startedAt: number; readonly finishedAt: number },
  random: () => number,
): Settlement {
  const verdict = targetKind(target.kind).classify(result);
  let transition: Transition;
  let outcome: AttemptOutcome;
  let deadReason: DeadReason | null = null;

  if (verdict.outcome === 'success') {
    transition = { status: 'delivered' };
    outcome = 'success';
  } else if (verdict.outcome === 'retry' || verdict.outcome === 'rate_limited') {
    // A target that asks us to come back later (429, or 503 with Retry-After) has not failed:
    // such an answer spends no attempt, and maxAge bounds how long it can go on.
    const spendsAttempt = verdict.outcome === 'retry' && verdict.spendsAttempt;
    const attemptsInRound = delivery.attemptsInRound + (spendsAttempt ? 1 : 0);
    // Backoff still grows when no attempt is spent, so a target that keeps refusing without a
    // Retry-After is asked less and less often.
    const backoffAttempts = spendsAttempt ? attemptsInRound : Math.max(attemptsInRound, delivery.attemptCount + 1);
    const nextAttemptAt = times.finishedAt + nextDelayMs(backoffAttempts, target.retry, verdict.afterMs, random);
    const expiry = expiresAt(delivery.roundStartedAt, target.retry);
    if (spendsAttempt && shouldGiveUp(attemptsInRound, target.retry.maxAttempts)) {
      deadReason = 'exhausted';
      outcome = 'dead';
      transition = { status: 'dead', deadReason, error: `gave up after ${attemptsInRound} attempts; last: ${describe(result)}` };
    } else if (nextAttemptAt >= expiry) {
      deadReason = 'expired';
      outcome = 'dead';
      transition = {
        status: 'dead',
        deadReason,
        error: `expired: the next attempt (${new Date(nextAttemptAt).toISOString()}) would come after maxAge (${new Date(expiry).toISOString()}); last: ${describe(result)}`,
      };
    } else {
      transition = { status: 'pending', nextAttemptAt, spendsAttempt };
      outcome = 'retry';
    }
  } else if (verdict.outcome === 'unknown') {
    deadReason = 'unknown';
    outcome = 'unknown';
    transition = {
      status: 'dead',
      deadReason,
      error: `${describe(result)}; the routine may have started a run, so it is not retried (replay is a person's decision)`,
    };
  } else {
    deadReason = 'rejected';
    outcome = 'dead';
    transition = { status: 'dead', deadReason, error: `rejected: ${describe(result)}` };
  }

  const attempt: NewAttempt = {
    startedAt: times.startedAt,
    durationMs: result.durationMs,
    statusCode: result.statusCode,
    error: result.error ? `${result.error.kind}: ${result.error.message}` : null,
    outcome,
    responseSnippet: result.responseSnippet,
    sessionId: result.session?.id ?? null,
    sessionUrl: result.session?.url || null,
  };
  return { attempt, transition, outcome, deadReason, verdict };
}

/** A delivery past its maxAge before it could be sent: dead-lettered without a request. */
export function expiredBeforeSending(
  delivery: Pick<Delivery, 'roundStartedAt'>,
  target: CompiledTarget,
  now: number,
): DeadTransition | null {
  const expiry = expiresAt(delivery.roundStartedAt, target.retry);
  if (now < expiry) return null;
  return {
    status: 'dead',
    deadReason: 'expired',
    error: `expired: not delivered within maxAge (${new Date(expiry).toISOString()} passed)`,
  };
}

function describe(result: SendResult): string {
  if (result.statusCode !== null) return `target answered ${result.statusCode}`;
  if (result.error) return `${result.error.kind} error: ${result.error.message}`;
  return 'no answer';
}
