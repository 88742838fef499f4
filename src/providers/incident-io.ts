/**
 * incident.io webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` (Standard
 * Webhooks), checked by the `standard-webhooks` kind.
 * https://api-docs.incident.io/tag/Webhooks
 */

import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { headerValue, preset } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

import { standardWebhooksVerifier } from './standard-webhooks.ts';

const whsec = (seed: string): string => `whsec_${Buffer.from(seed, 'utf8').toString('base64')}`;

export const incidentIoVerifier = defineVerifier(
  preset({
    type: 'incident-io',
    example: {
      options: { type: 'incident-io', secrets: [whsec('INCIDENT-current-secret-7a'), whsec('INCIDENT-previous-secret-8b')] },
      malformedSignature: 'v2,c2lnbmF0dXJl',
    },
    timestamp: { location: 'webhook-timestamp', defaultToleranceMs: 5 * 60_000 },
    description:
      'incident.io webhooks: Standard Webhooks signature (webhook headers), HMAC-SHA256 of id.timestamp.body with the whsec_ signing secret.',
    docs: {
      provider: 'incident.io',
      url: 'https://api-docs.incident.io/tag/Webhooks',
      scheme: 'Standard Webhooks: HMAC-SHA256 (base64, `v1,`) of id.timestamp.body; tolerance 5m',
      headers: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
      eventType: 'body `event_type`',
      dedupKey: '`webhook-id`',
    },
    optionsSchema: verifyOptionsSchema(
      'incident-io',
      'incident.io webhooks: webhook-* Standard Webhooks headers with the whsec_ signing secret.',
      {},
    ),
    base: standardWebhooksVerifier,
    baseOptions: (options) => options,
    normalize: function normalizeIncidentIo(req, body) {
      return {
        eventType: bodyString(body, 'event_type') ?? '',
        dedupKey: headerValue(req, 'webhook-id') ?? headerValue(req, 'svix-id') ?? sha256Hex(req.rawBody),
      };
    },
  }),
);
