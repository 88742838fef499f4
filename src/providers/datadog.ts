/**
 * Datadog webhooks sign nothing: the webhook sends the custom headers it is given, so a shared
 * token in `Authorization: Bearer <token>` (by default) is checked like the `token` kind.
 * https://docs.datadoghq.com/integrations/webhooks/
 */

import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset, withDefaults } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

import { tokenVerifier } from './token.ts';

const HEADER = 'Authorization';
const PREFIX = 'Bearer ';

export const datadogVerifier = defineVerifier(
  preset({
    type: 'datadog',
    example: { options: { type: 'datadog', secrets: ['DATADOG-current-1e', 'DATADOG-previous-2f'] }, malformedSignature: 'Basic abc' },
    description: 'Datadog webhooks: Datadog signs nothing; a shared token in Authorization ("Bearer " prefix), compared in constant time.',
    docs: {
      provider: 'Datadog',
      url: 'https://docs.datadoghq.com/integrations/webhooks/',
      scheme:
        'no signature: a token set as a custom header (default `Authorization: Bearer <token>`) on the webhook, compared in constant time',
      headers: [HEADER],
      eventType: "body `event_type` (the default payload's `$EVENT_TYPE`)",
      dedupKey: 'body `id` (`$ID`), else sha256 of the raw body',
    },
    optionsSchema: verifyOptionsSchema('datadog', 'Datadog webhooks: a shared token in a header (token check; Datadog signs nothing).', {
      header: { type: 'string', minLength: 1, description: `Header carrying the token (default ${HEADER}).` },
      prefix: { type: 'string', description: 'Text before the token in the header (default "Bearer ").' },
    }),
    base: tokenVerifier,
    baseOptions: (options) => withDefaults(options, { header: HEADER, prefix: PREFIX }),
    normalize: function normalizeDatadog(req, body) {
      return { eventType: bodyString(body, 'event_type') ?? '', dedupKey: bodyString(body, 'id') ?? sha256Hex(req.rawBody) };
    },
  }),
);
