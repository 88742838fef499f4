/**
 * One attempt's result → the attempt record and the delivery's next state. Pure: the clock reading
 * and the jitter source come from the caller.
 */
import type { CompiledTarget } from '../pipeline/types.ts';
import type { AttemptOutcome, DeadReason, Delivery, NewAttempt, Transition } from '../store/types.ts';
import { nextDelayMs, shouldGiveUp } from './backoff.ts';
import { classify } from './classify.ts';
import type { SendResult } from './send.ts';

export interface Settlement {
  readonly attempt: NewAttempt;
  readonly transition: Transition;
  readonly outcome: AttemptOutcome;
  readonly deadReason: DeadReason | null;
}

export function settle(
  delivery: Pick<Delivery, 'attemptsInRound'>,
  target: CompiledTarget,
  result: SendResult,
  times: { readonly startedAt: number; readonly finishedAt: number },
  random: () => number,
): Settlement {
  const decision = classify(target.kind, result);
  const attemptsInRound = delivery.attemptsInRound + 1;
  let transition: Transition;
  let outcome: AttemptOutcome;
  let deadReason: DeadReason | null = null;

  if (decision.outcome === 'success') {
    transition = { status: 'delivered' };
    outcome = 'success';
  } else if (decision.outcome === 'retry') {
    if (shouldGiveUp(attemptsInRound, target.retry.maxAttempts)) {
      deadReason = 'exhausted';
      outcome = 'dead';
      transition = { status: 'dead', deadReason, error: `gave up after ${attemptsInRound} attempts; last: ${describe(result)}` };
    } else {
      const delay = nextDelayMs(attemptsInRound, target.retry, decision.afterMs, random);
      transition = { status: 'pending', nextAttemptAt: times.finishedAt + delay };
      outcome = 'retry';
    }
  } else if (decision.reason === 'unknown') {
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
  return { attempt, transition, outcome, deadReason };
}

function describe(result: SendResult): string {
  if (result.statusCode !== null) return `target answered ${result.statusCode}`;
  if (result.error) return `${result.error.kind} error: ${result.error.message}`;
  return 'no answer';
}
