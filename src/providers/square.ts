/**
 * Square: `x-square-hmacsha256-signature` is base64 HMAC-SHA256 of the subscription's notification
 * URL followed by the raw body, with the subscription's signature key. The URL is the one entered
 * for the subscription, byte for byte, so it comes from the options (`url`), not from the request.
 * https://developer.squareup.com/docs/webhooks/step3validate
 */

import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { requiredString } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { URL_SCHEMA } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'X-Square-HmacSha256-Signature';
const HEADER_LC = 'x-square-hmacsha256-signature';

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const url = requiredString(options, 'url');

  async function verifySquare(req: WebhookRequest): Promise<void> {
    const signature = header(req, HEADER_LC);
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    if (!isEncodedDigest(signature, 'sha256', 'base64')) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    if (!matchesAnySecret(secrets, 'sha256', [url, req.rawBody], 'base64', signature)) {
      throw new VerificationError('SIGNATURE_INVALID', HEADER);
    }
  }

  function normalizeSquare(req: WebhookRequest, body: unknown): Normalized {
    return { eventType: bodyString(body, 'type') ?? '', dedupKey: bodyString(body, 'event_id') ?? sha256Hex(req.rawBody) };
  }

  return { type: 'square', verify: verifySquare, normalize: normalizeSquare };
}

async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  return { [HEADER_LC]: hmacDigest('sha256', input.secret, [requiredString(options, 'url'), input.rawBody], 'base64') };
}

export const squareVerifier = defineVerifier({
  type: 'square',
  kind: 'signature',
  example: {
    options: { type: 'square', url: 'https://hooks.example.com/webhooks/square', secrets: ['SQUARE-current-9e4a', 'SQUARE-previous-0d7b'] },
    malformedSignature: 'not base64!',
  },
  description:
    "Square: x-square-hmacsha256-signature, base64 HMAC-SHA256 of notification URL + body with the subscription's signature key.",
  docs: {
    provider: 'Square',
    url: 'https://developer.squareup.com/docs/webhooks/step3validate',
    scheme: 'HMAC-SHA256 (base64) of the notification URL (`url`) + body',
    headers: [HEADER],
    eventType: 'body `type` (`payment.updated`)',
    dedupKey: 'body `event_id`',
  },
  optionsSchema: verifyOptionsSchema(
    'square',
    "Square: x-square-hmacsha256-signature (base64 HMAC-SHA256 of url + body) with the subscription's signature key.",
    { url: URL_SCHEMA },
    ['url'],
  ),
  secretHeaders: function squareSecretHeaders() {
    return [HEADER_LC];
  },
  create,
  sign,
});
