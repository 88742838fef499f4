/**
 * Event type and dedup key: the verifier's defaults (spec section 2 table), overridden by the
 * provider's own `event` / `id` JSONata expressions when configured. An expression that yields
 * nothing falls back to the default rather than inventing a key.
 */
import type { Normalized, WebhookRequest } from '../providers/types.ts';
import type { CompiledProvider } from './types.ts';

export async function normalize(provider: CompiledProvider, req: WebhookRequest, body: unknown): Promise<Normalized> {
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
