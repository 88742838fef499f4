/**
 * Opsgenie outgoing webhooks sign nothing: they send the custom headers they are given, so a
 * shared token in `Authorization: Bearer <token>` (by default) is checked like the `token` kind.
 * https://support.atlassian.com/opsgenie/docs/integrate-opsgenie-with-outgoing-webhooks/
 */

import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset, withDefaults } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

import { tokenVerifier } from './token.ts';

const HEADER = 'Authorization';
const PREFIX = 'Bearer ';

export const opsgenieVerifier = defineVerifier(
  preset({
    type: 'opsgenie',
    example: { options: { type: 'opsgenie', secrets: ['OPSGENIE-current-5c', 'OPSGENIE-previous-6d'] }, malformedSignature: 'Basic abc' },
    description:
      'Opsgenie webhooks: Opsgenie signs nothing; a shared token in Authorization ("Bearer " prefix), compared in constant time.',
    docs: {
      provider: 'Opsgenie',
      url: 'https://support.atlassian.com/opsgenie/docs/integrate-opsgenie-with-outgoing-webhooks/',
      scheme:
        'no signature: a token set as a custom header (default `Authorization: Bearer <token>`) on the outgoing webhook, compared in constant time',
      headers: [HEADER],
      eventType: 'body `action` (`Create`, `Close`, `Acknowledge`)',
      dedupKey: 'sha256 of the raw body',
    },
    optionsSchema: verifyOptionsSchema('opsgenie', 'Opsgenie webhooks: a shared token in a header (token check; Opsgenie signs nothing).', {
      header: { type: 'string', minLength: 1, description: `Header carrying the token (default ${HEADER}).` },
      prefix: { type: 'string', description: 'Text before the token in the header (default "Bearer ").' },
    }),
    base: tokenVerifier,
    baseOptions: (options) => withDefaults(options, { header: HEADER, prefix: PREFIX }),
    normalize: function normalizeOpsgenie(req, body) {
      return { eventType: bodyString(body, 'action') ?? '', dedupKey: sha256Hex(req.rawBody) };
    },
  }),
);
