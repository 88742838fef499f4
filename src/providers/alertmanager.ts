/**
 * Prometheus Alertmanager's webhook receiver signs nothing: its `http_config.authorization`
 * sends `Authorization: Bearer <credentials>`, checked like the `token` kind.
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */

import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset, withDefaults } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

import { tokenVerifier } from './token.ts';

const HEADER = 'Authorization';
const PREFIX = 'Bearer ';

export const alertmanagerVerifier = defineVerifier(
  preset({
    type: 'alertmanager',
    example: {
      options: { type: 'alertmanager', secrets: ['ALERTMANAGER-current-7e', 'ALERTMANAGER-previous-8f'] },
      malformedSignature: 'Basic abc',
    },
    description:
      'Alertmanager webhooks: Alertmanager signs nothing; a shared token in Authorization ("Bearer " prefix), compared in constant time.',
    docs: {
      provider: 'Alertmanager',
      url: 'https://prometheus.io/docs/alerting/latest/configuration/#webhook_config',
      scheme:
        "no signature: the receiver's `http_config.authorization` credentials (`Authorization: Bearer <token>`), compared in constant time",
      headers: [HEADER],
      eventType: 'body `status` (`firing`, `resolved`)',
      dedupKey: 'sha256 of the raw body (a repeated notification of the same group is a duplicate)',
    },
    optionsSchema: verifyOptionsSchema(
      'alertmanager',
      'Alertmanager webhooks: a shared token in a header (token check; Alertmanager signs nothing).',
      {
        header: { type: 'string', minLength: 1, description: `Header carrying the token (default ${HEADER}).` },
        prefix: { type: 'string', description: 'Text before the token in the header (default "Bearer ").' },
      },
    ),
    base: tokenVerifier,
    baseOptions: (options) => withDefaults(options, { header: HEADER, prefix: PREFIX }),
    normalize: function normalizeAlertmanager(req, body) {
      return { eventType: bodyString(body, 'status') ?? '', dedupKey: sha256Hex(req.rawBody) };
    },
  }),
);
