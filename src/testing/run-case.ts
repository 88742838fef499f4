/**
 * One test case: build the request its provider would send, push it through `ingest` (the very
 * function the HTTP ingress calls), and judge the outcome against the case's `expect:`.
 *
 * Every case runs against its own empty in-memory store, so no case sees another's events: a
 * fixture reused by two cases is `accepted` in both. A case that proves deduplication sends its
 * request `repeat` times into that store and the last answer is the one checked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requestHeaders } from '../delivery/send.ts';
import { silentLogger } from '../observability/logger.ts';
import { httpReply, type IngestContext, type IngestOutcome, ingest } from '../pipeline/ingest.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { WebhookRequest } from '../providers/types.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { buildRequest } from './build-request.ts';
import { CaseError } from './case-error.ts';
import { checkCase, type Observed } from './check-case.ts';
import type { ActualDelivery } from './match-deliveries.ts';
import { runSequence } from './run-sequence.ts';
import type { ThrowawaySecrets } from './throwaway-secrets.ts';
import type { CaseOutcome, CaseResult, TestCase } from './types.ts';

/** What one case runs against: the compiled config, its throwaway secrets and the case's own store. */
export interface CaseContext {
  readonly config: CompiledConfig;
  readonly secrets: ThrowawaySecrets;
  readonly store: Store;
}

/** Runs one case in a fresh empty store, closed afterwards whatever happens. */
export async function runCase(testCase: TestCase, config: CompiledConfig, secrets: ThrowawaySecrets): Promise<CaseResult> {
  // A sequence opens its own store and runs on a simulated clock.
  if (testCase.requests) return runSequence(testCase, testCase.requests, config, secrets);
  const store = await openStore('sqlite::memory:');
  try {
    return await judgeCase(testCase, { config, secrets, store });
  } finally {
    await store.close();
  }
}

/** Sends the case's request(s) into `ctx.store` and checks the last answer against `expect:`. */
export async function judgeCase(testCase: TestCase, ctx: CaseContext): Promise<CaseResult> {
  const base = { name: testCase.name, file: testCase.file, line: testCase.line };
  try {
    let observed = await sendRequest(testCase, ctx);
    for (let sent = 1; sent < (testCase.repeat ?? 1); sent++) observed = await sendRequest(testCase, ctx);
    const failures = checkCase(testCase.expect, observed);
    return { ...base, passed: failures.length === 0, failures, outcome: outcomeOf(observed) };
  } catch (error) {
    if (!(error instanceof CaseError)) throw error;
    return { ...base, passed: false, failures: [{ message: error.message }] };
  }
}

function outcomeOf(observed: Observed): CaseOutcome {
  return { kind: observed.kind, httpStatus: observed.httpStatus, ignored: observed.ignored };
}

/** One request of a case, signed as its provider would sign it (a fresh signature per send), through `ingest`. */
export async function sendRequest(testCase: TestCase, ctx: CaseContext, receivedAt: Date = new Date()): Promise<Observed> {
  const { config, secrets } = ctx;
  const provider = config.providers.get(testCase.provider);
  // Deliveries are due when the request is received: on a sequence's simulated clock, not the real one.
  const ingestCtx: IngestContext = { config, store: ctx.store, logger: silentLogger(), now: () => receivedAt.getTime() };
  if (!provider && testCase.expect.status === 404) {
    // Testing that an unknown provider is refused: nothing to sign, the pipeline answers 404.
    const req: WebhookRequest = {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...testCase.headers },
      query: { ...testCase.query },
      rawBody: rawBodyOf(testCase),
      receivedAt,
    };
    return observed(await ingest(ingestCtx, testCase.provider, req), config);
  }
  if (!provider) {
    const known = [...config.providers.keys()].join(', ') || 'none';
    throw new CaseError(`provider: "${testCase.provider}" is not in ${path.basename(config.path)} (providers: ${known})`);
  }
  const req = await buildRequest({
    testCase,
    providerName: provider.name,
    options: provider.options,
    verifier: provider.verifier,
    secret: secrets.secretOf(provider.name),
    wrongSecret: secrets.wrongSecretOf(provider.name),
    rawBody: rawBodyOf(testCase),
    receivedAt,
  });
  return observed(await ingest(ingestCtx, provider.name, req), config);
}

/** Payload files are sent byte for byte; inline bodies as JSON (a string as is). */
function rawBodyOf(testCase: TestCase): Buffer {
  if (testCase.payload !== undefined) {
    try {
      return readFileSync(testCase.payload);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CaseError(`payload: cannot read ${testCase.payload}${code ? ` (${code})` : ''}`);
    }
  }
  const body = testCase.body?.value;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? null));
}

function observed(outcome: IngestOutcome, config: CompiledConfig): Observed {
  const reply = httpReply(outcome);
  const base = { kind: outcome.kind, httpStatus: reply.status, replyBody: reply.body };
  if (outcome.kind !== 'accepted') {
    return { ...base, deliveries: [], ignored: outcome.kind === 'ignored' ? outcome.ignored : [] };
  }
  const deliveries: ActualDelivery[] = outcome.deliveries.map(function toActual(d) {
    const target = config.targets.get(d.target);
    return {
      id: d.deliveryId,
      route: d.route,
      target: d.target,
      mapped: d.mapped,
      headers: target ? requestHeaders(target, d.idempotencyKey) : { 'idempotency-key': d.idempotencyKey },
      error: d.error,
    };
  });
  return { ...base, deliveries, ignored: outcome.ignored };
}
