/**
 * Vercel webhooks: `x-vercel-signature`, the hex HMAC-SHA1 of the raw body with the webhook's
 * secret: an `hmac` check with Vercel's defaults.
 * https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks
 */

import { defineVerifier } from './define.ts';
import { hmacVerifier } from './hmac.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

export const vercelVerifier = defineVerifier(
  preset({
    type: 'vercel',
    example: { options: { type: 'vercel', secrets: ['VERCEL-current-9e', 'VERCEL-previous-0f'] }, malformedSignature: 'sha1=0123' },
    description: 'Vercel webhooks: x-vercel-signature, HMAC-SHA1 (hex) of the body with the webhook secret.',
    docs: {
      provider: 'Vercel',
      url: 'https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks',
      scheme: 'HMAC-SHA1 (hex) of the body with the webhook secret',
      headers: ['x-vercel-signature'],
      eventType: 'body `type` (`deployment.succeeded`)',
      dedupKey: 'body `id`',
    },
    optionsSchema: verifyOptionsSchema(
      'vercel',
      'Vercel webhooks: x-vercel-signature (hex HMAC-SHA1 of the body) with the webhook secret.',
      {},
    ),
    base: hmacVerifier,
    baseOptions: (options) => ({ ...options, header: 'x-vercel-signature', algorithm: 'sha1', encoding: 'hex' }),
    normalize: function normalizeVercel(req, body) {
      return { eventType: bodyString(body, 'type') ?? '', dedupKey: bodyString(body, 'id') ?? sha256Hex(req.rawBody) };
    },
  }),
);
