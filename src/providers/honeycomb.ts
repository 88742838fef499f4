/**
 * Honeycomb webhooks sign nothing: the webhook's shared secret is sent as is in
 * `X-Honeycomb-Webhook-Token`, checked like the `token` kind.
 * https://docs.honeycomb.io/notify/alert/webhooks/
 */

import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset, withDefaults } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

import { tokenVerifier } from './token.ts';

const HEADER = 'X-Honeycomb-Webhook-Token';
const PREFIX = '';

export const honeycombVerifier = defineVerifier(
  preset({
    type: 'honeycomb',
    example: { options: { type: 'honeycomb', secrets: ['HONEYCOMB-current-3a', 'HONEYCOMB-previous-4b'] } },
    description: 'Honeycomb webhooks: Honeycomb signs nothing; a shared token in X-Honeycomb-Webhook-Token, compared in constant time.',
    docs: {
      provider: 'Honeycomb',
      url: 'https://docs.honeycomb.io/notify/alert/webhooks/',
      scheme: "no signature: the webhook's shared secret, sent as is in `X-Honeycomb-Webhook-Token`, compared in constant time",
      headers: [HEADER],
      eventType: 'body `status`, lower case (`triggered`, `ok`)',
      dedupKey: 'sha256 of the raw body',
    },
    optionsSchema: verifyOptionsSchema(
      'honeycomb',
      'Honeycomb webhooks: a shared token in a header (token check; Honeycomb signs nothing).',
      {
        header: { type: 'string', minLength: 1, description: `Header carrying the token (default ${HEADER}).` },
        prefix: { type: 'string', description: 'Text before the token in the header (default "").' },
      },
    ),
    base: tokenVerifier,
    baseOptions: (options) => withDefaults(options, { header: HEADER, prefix: PREFIX }),
    normalize: function normalizeHoneycomb(req, body) {
      return { eventType: (bodyString(body, 'status') ?? '').toLowerCase(), dedupKey: sha256Hex(req.rawBody) };
    },
  }),
);
