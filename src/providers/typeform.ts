/**
 * Typeform webhooks with a secret: `Typeform-Signature: sha256=<base64>`, the HMAC-SHA256 of the
 * raw body: an `hmac` check with Typeform's defaults.
 * https://www.typeform.com/developers/webhooks/secure-your-webhooks/
 */

import { defineVerifier } from './define.ts';
import { hmacVerifier } from './hmac.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

export const typeformVerifier = defineVerifier(
  preset({
    type: 'typeform',
    example: {
      options: { type: 'typeform', secrets: ['TYPEFORM-current-7c', 'TYPEFORM-previous-8d'] },
      malformedSignature: 'sha256=not base64!',
    },
    description: 'Typeform webhooks: Typeform-Signature, sha256= HMAC-SHA256 (base64) of the body with the webhook secret.',
    docs: {
      provider: 'Typeform',
      url: 'https://www.typeform.com/developers/webhooks/secure-your-webhooks/',
      scheme: 'HMAC-SHA256 (base64, `sha256=`) of the body with the webhook secret',
      headers: ['Typeform-Signature'],
      eventType: 'body `event_type` (`form_response`)',
      dedupKey: 'body `event_id`',
    },
    optionsSchema: verifyOptionsSchema(
      'typeform',
      'Typeform webhooks: Typeform-Signature (sha256=<base64 HMAC-SHA256>) with the webhook secret.',
      {},
    ),
    base: hmacVerifier,
    baseOptions: (options) => ({ ...options, header: 'Typeform-Signature', algorithm: 'sha256', encoding: 'base64', prefix: 'sha256=' }),
    normalize: function normalizeTypeform(req, body) {
      return { eventType: bodyString(body, 'event_type') ?? '', dedupKey: bodyString(body, 'event_id') ?? sha256Hex(req.rawBody) };
    },
  }),
);
