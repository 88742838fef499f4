/**
 * One test case: build the request its provider would send, push it through `ingest` (the very
 * function the HTTP ingress calls), and judge the outcome against the case's `expect:`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requestHeaders } from '../delivery/send.ts';
import { silentLogger } from '../observability/logger.ts';
import { httpReply, type IngestOutcome, ingest } from '../pipeline/ingest.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { WebhookRequest } from '../providers/types.ts';
import type { Store } from '../store/types.ts';
import { buildRequest } from './build-request.ts';
import { CaseError } from './case-error.ts';
import { checkCase, type Observed } from './check-case.ts';
import type { ActualDelivery } from './match-deliveries.ts';
import type { ThrowawaySecrets } from './throwaway-secrets.ts';
import type { CaseResult, TestCase } from './types.ts';

export async function runCase(testCase: TestCase, config: CompiledConfig, secrets: ThrowawaySecrets, store: Store): Promise<CaseResult> {
  const base = { name: testCase.name, file: testCase.file, line: testCase.line };
  try {
    const observed = await observe(testCase, config, secrets, store);
    const failures = checkCase(testCase.expect, observed);
    return { ...base, passed: failures.length === 0, failures };
  } catch (error) {
    if (!(error instanceof CaseError)) throw error;
    return { ...base, passed: false, failures: [{ message: error.message }] };
  }
}

async function observe(testCase: TestCase, config: CompiledConfig, secrets: ThrowawaySecrets, store: Store): Promise<Observed> {
  const provider = config.providers.get(testCase.provider);
  const ctx = { config, store, logger: silentLogger() };
  if (!provider && testCase.expect.status === 404) {
    // Testing that an unknown provider is refused: nothing to sign, the pipeline answers 404.
    const req: WebhookRequest = {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...testCase.headers },
      query: { ...testCase.query },
      rawBody: rawBodyOf(testCase),
      receivedAt: new Date(),
    };
    return observed(await ingest(ctx, testCase.provider, req), config);
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
    receivedAt: new Date(),
  });
  return observed(await ingest(ctx, provider.name, req), config);
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
      route: d.route,
      target: d.target,
      mapped: d.mapped,
      headers: target ? requestHeaders(target, d.idempotencyKey) : { 'idempotency-key': d.idempotencyKey },
      error: d.error,
    };
  });
  return { ...base, deliveries, ignored: outcome.ignored };
}
