/**
 * Normalization for the types whose event type and dedup key come from the provider's own
 * expressions (hmac, token, basic, none): body `type` (else "") and sha256 of the raw body. The
 * pipeline applies the provider's `event` / `id` JSONata on top when they are configured.
 */
import { sha256Hex } from './hmac-core.ts';
import { bodyString } from './request-fields.ts';
import type { Normalized, WebhookRequest } from './types.ts';

export function defaultNormalize(req: WebhookRequest, body: unknown): Normalized {
  return { eventType: bodyString(body, 'type') ?? '', dedupKey: sha256Hex(req.rawBody) };
}
