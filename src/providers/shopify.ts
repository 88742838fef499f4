/**
 * Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the body with the app's client secret.
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook
 */
import { randomUUID } from 'node:crypto';
import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { header } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'X-Shopify-Hmac-Sha256';
const HEADER_LC = 'x-shopify-hmac-sha256';

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);

  async function verifyShopify(req: WebhookRequest): Promise<void> {
    const received = header(req, HEADER_LC);
    if (received === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    if (!isEncodedDigest(received, 'sha256', 'base64')) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    if (!matchesAnySecret(secrets, 'sha256', [req.rawBody], 'base64', received)) {
      throw new VerificationError('SIGNATURE_INVALID', HEADER);
    }
  }

  function normalizeShopify(req: WebhookRequest): Normalized {
    return {
      eventType: header(req, 'x-shopify-topic') ?? '',
      dedupKey: header(req, 'x-shopify-event-id') ?? header(req, 'x-shopify-webhook-id') ?? sha256Hex(req.rawBody),
    };
  }

  return { type: 'shopify', verify: verifyShopify, normalize: normalizeShopify };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const at = input.timestamp ?? new Date();
  const id = input.deliveryId ?? randomUUID();
  const headers: Record<string, string> = {
    [HEADER_LC]: hmacDigest('sha256', input.secret, [input.rawBody], 'base64'),
    'x-shopify-event-id': id,
    'x-shopify-webhook-id': id,
    'x-shopify-triggered-at': at.toISOString(),
  };
  // Shopify topics are `orders/create`: the whole event type is the topic.
  if (input.eventType !== undefined && input.eventType !== '') headers['x-shopify-topic'] = input.eventType;
  return headers;
}

export const shopifyVerifier = defineVerifier({
  type: 'shopify',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema('shopify', "Shopify: X-Shopify-Hmac-Sha256, base64 HMAC-SHA256 with the app's client secret.", {}),
  docs: {
    provider: 'Shopify',
    url: 'https://shopify.dev/docs/apps/build/webhooks/subscribe/https',
    scheme: "HMAC-SHA256 (base64) of the body with the app's client secret",
    headers: ['X-Shopify-Hmac-Sha256', 'X-Shopify-Topic', 'X-Shopify-Event-Id'],
    eventType: '`X-Shopify-Topic` (`orders/create`); 400 without the header',
    dedupKey: '`X-Shopify-Event-Id`, else `X-Shopify-Webhook-Id`',
  },
  secretHeaders: function shopifySecretHeaders() {
    return [HEADER_LC];
  },
  eventTypeHeader: 'X-Shopify-Topic',
  example: {
    options: { type: 'shopify', secrets: ['SHOPIFY-current-12ef', 'SHOPIFY-previous-90ab'] },
    malformedSignature: 'not base64!',
  },
  create,
  sign,
});
