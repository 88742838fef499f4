/**
 * Cloudflare notification webhooks sign nothing: the webhook's secret is sent as is in
 * `cf-webhook-auth`, checked like the `token` kind.
 * https://developers.cloudflare.com/notifications/get-started/configure-webhooks/
 */

import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset, withDefaults } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

import { tokenVerifier } from './token.ts';

const HEADER = 'cf-webhook-auth';
const PREFIX = '';

export const cloudflareVerifier = defineVerifier(
  preset({
    type: 'cloudflare',
    example: { options: { type: 'cloudflare', secrets: ['CLOUDFLARE-current-9a', 'CLOUDFLARE-previous-0b'] } },
    description: 'Cloudflare webhooks: Cloudflare signs nothing; a shared token in cf-webhook-auth, compared in constant time.',
    docs: {
      provider: 'Cloudflare',
      url: 'https://developers.cloudflare.com/notifications/get-started/configure-webhooks/',
      scheme: "no signature: the webhook's secret, sent as is in `cf-webhook-auth`, compared in constant time",
      headers: [HEADER],
      eventType: 'body `alert_type` (`universal_ssl_event_type`)',
      dedupKey: 'sha256 of the raw body',
    },
    optionsSchema: verifyOptionsSchema(
      'cloudflare',
      'Cloudflare webhooks: a shared token in a header (token check; Cloudflare signs nothing).',
      {
        header: { type: 'string', minLength: 1, description: `Header carrying the token (default ${HEADER}).` },
        prefix: { type: 'string', description: 'Text before the token in the header (default "").' },
      },
    ),
    base: tokenVerifier,
    baseOptions: (options) => withDefaults(options, { header: HEADER, prefix: PREFIX }),
    normalize: function normalizeCloudflare(req, body) {
      return { eventType: bodyString(body, 'alert_type') ?? '', dedupKey: sha256Hex(req.rawBody) };
    },
  }),
);
