/**
 * Event type and dedup key: the verifier type's defaults, overridden by the provider's own
 * `event` / `id` JSONata expressions when configured. An expression that yields nothing falls
 * back to the default rather than inventing a key.
 */
import { HookgateError } from '../errors.ts';
import { getVerifierType } from '../providers/registry.ts';
import type { Normalized, WebhookRequest } from '../providers/types.ts';
import type { CompiledProvider } from './types.ts';

export async function normalize(provider: CompiledProvider, req: WebhookRequest, body: unknown): Promise<Normalized> {
  // A type that names its events in a header cannot name this one: refuse it rather than route an
  // event typed "" or ".created". A provider with its own `event` expression does not need it.
  const eventTypeHeader = provider.eventExpr ? undefined : getVerifierType(provider.type)?.eventTypeHeader;
  if (eventTypeHeader !== undefined && !req.headers[eventTypeHeader.toLowerCase()]) {
    throw new HookgateError('EVENT_TYPE_MISSING', eventTypeHeader);
  }
  const defaults = provider.verifier.normalize(req, body);
  if (!provider.eventExpr && !provider.idExpr) return defaults;
  const vars = { provider: provider.name, headers: req.headers, query: req.query, receivedAt: req.receivedAt.toISOString() };
  const eventType = provider.eventExpr ? asKey(await provider.eventExpr.evaluate(body, vars)) : null;
  const dedupKey = provider.idExpr ? asKey(await provider.idExpr.evaluate(body, vars)) : null;
  return { eventType: eventType ?? defaults.eventType, dedupKey: dedupKey ?? defaults.dedupKey };
}

function asKey(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
