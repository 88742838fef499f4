/**
 * Intercom webhooks: `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body keyed with the
 * app's client secret: an `hmac` check with Intercom's defaults.
 * https://developers.intercom.com/docs/references/webhooks/webhook-models#signed-notifications
 */

import { defineVerifier } from './define.ts';
import { hmacVerifier } from './hmac.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

export const intercomVerifier = defineVerifier(
  preset({
    type: 'intercom',
    example: { options: { type: 'intercom', secrets: ['INTERCOM-current-3e', 'INTERCOM-previous-4f'] }, malformedSignature: 'sha256=0123' },
    description: "Intercom webhooks: X-Hub-Signature, sha1= HMAC-SHA1 (hex) of the body with the app's client secret.",
    docs: {
      provider: 'Intercom',
      url: 'https://developers.intercom.com/docs/references/webhooks/webhook-models#signed-notifications',
      scheme: 'HMAC-SHA1 (hex, `sha1=`) of the body with the client secret',
      headers: ['X-Hub-Signature'],
      eventType: 'body `topic` (`conversation.user.created`)',
      dedupKey: 'body `id` (the notification id)',
    },
    optionsSchema: verifyOptionsSchema(
      'intercom',
      "Intercom webhooks: X-Hub-Signature (sha1=<hex HMAC-SHA1>) with the app's client secret.",
      {},
    ),
    base: hmacVerifier,
    baseOptions: (options) => ({ ...options, header: 'X-Hub-Signature', algorithm: 'sha1', encoding: 'hex', prefix: 'sha1=' }),
    normalize: function normalizeIntercom(req, body) {
      return { eventType: bodyString(body, 'topic') ?? '', dedupKey: bodyString(body, 'id') ?? sha256Hex(req.rawBody) };
    },
  }),
);
