/**
 * Zendesk webhooks: `X-Zendesk-Webhook-Signature` is base64 HMAC-SHA256 of the timestamp followed
 * by the body, the timestamp (RFC 3339) in `X-Zendesk-Webhook-Signature-Timestamp`, with the
 * webhook's signing secret. Zendesk's current page and its express example sign TIMESTAMP + BODY;
 * an older example page published a vector that only matches BODY + TIMESTAMP, so this type
 * follows the current documentation (and what Zendesk sends). Zendesk's "Test webhook" button
 * signs with the fixed secret `dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==`.
 * https://developer.zendesk.com/documentation/webhooks/verifying/
 */

import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { assertFresh, isoSeconds, rfc3339Ms, toleranceSchema } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'X-Zendesk-Webhook-Signature';
const HEADER_LC = 'x-zendesk-webhook-signature';
const TIMESTAMP_HEADER = 'X-Zendesk-Webhook-Signature-Timestamp';
const TIMESTAMP_LC = 'x-zendesk-webhook-signature-timestamp';
const INVOCATION_LC = 'x-zendesk-webhook-invocation-id';
const EVENT_PREFIX = 'zen:event-type:';
const DEFAULT_TOLERANCE_MS = 5 * 60_000;

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyZendesk(req: WebhookRequest): Promise<void> {
    const signature = header(req, HEADER_LC);
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    const timestamp = header(req, TIMESTAMP_LC);
    if (timestamp === undefined) throw new VerificationError('TIMESTAMP_MISSING', TIMESTAMP_HEADER);
    const signedAtMs = rfc3339Ms(timestamp);
    if (signedAtMs === undefined) throw new VerificationError('SIGNATURE_MALFORMED', TIMESTAMP_HEADER);
    if (!isEncodedDigest(signature, 'sha256', 'base64')) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    if (!matchesAnySecret(secrets, 'sha256', [timestamp, req.rawBody], 'base64', signature)) {
      throw new VerificationError('SIGNATURE_INVALID', HEADER);
    }
    assertFresh(req.receivedAt, signedAtMs, tolerance, TIMESTAMP_HEADER);
  }

  /**
   * Event-subscription webhooks carry `type: zen:event-type:<event>` and an `id`; trigger and
   * automation webhooks carry whatever body the admin wrote, so the invocation id is the fallback.
   */
  function normalizeZendesk(req: WebhookRequest, body: unknown): Normalized {
    const type = bodyString(body, 'type') ?? '';
    return {
      eventType: type.startsWith(EVENT_PREFIX) ? type.slice(EVENT_PREFIX.length) : type,
      dedupKey: bodyString(body, 'id') ?? header(req, INVOCATION_LC) ?? sha256Hex(req.rawBody),
    };
  }

  return { type: 'zendesk', verify: verifyZendesk, normalize: normalizeZendesk };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const timestamp = isoSeconds(input.timestamp ?? new Date());
  return {
    [HEADER_LC]: hmacDigest('sha256', input.secret, [timestamp, input.rawBody], 'base64'),
    [TIMESTAMP_LC]: timestamp,
    ...(input.deliveryId !== undefined ? { [INVOCATION_LC]: input.deliveryId } : {}),
  };
}

export const zendeskVerifier = defineVerifier({
  type: 'zendesk',
  kind: 'signature',
  timestamp: { location: TIMESTAMP_HEADER, defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: {
    options: { type: 'zendesk', secrets: ['ZENDESK-current-3c8d', 'ZENDESK-previous-6a2f'] },
    malformedSignature: 'not base64!',
  },
  description: 'Zendesk webhooks: X-Zendesk-Webhook-Signature, base64 HMAC-SHA256 of timestamp + body, with its timestamp header.',
  docs: {
    provider: 'Zendesk',
    url: 'https://developer.zendesk.com/documentation/webhooks/verifying/',
    scheme: 'HMAC-SHA256 (base64) of timestamp + body; RFC 3339 timestamp header; tolerance 5m by default',
    headers: [HEADER, TIMESTAMP_HEADER],
    eventType: 'body `type` without `zen:event-type:` (`ticket.created`)',
    dedupKey: 'body `id`, else `X-Zendesk-Webhook-Invocation-Id`',
  },
  optionsSchema: verifyOptionsSchema(
    'zendesk',
    'Zendesk webhooks: X-Zendesk-Webhook-Signature (base64 HMAC-SHA256 of timestamp + body) with the webhook signing secret.',
    { tolerance: toleranceSchema('5m') },
  ),
  secretHeaders: function zendeskSecretHeaders() {
    return [HEADER_LC];
  },
  create,
  sign,
});
