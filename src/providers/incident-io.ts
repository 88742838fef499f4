/**
 * incident.io webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` (Standard
 * Webhooks), checked by the `standard-webhooks` kind.
 * https://api-docs.incident.io/tag/Webhooks
 */
import { defineVerifier } from './define.ts';
import { standardWebhooksPreset } from './standard-webhooks-preset.ts';

export const incidentIoVerifier = defineVerifier(
  standardWebhooksPreset({
    type: 'incident-io',
    headers: 'webhook',
    eventField: 'event_type',
    exampleSeeds: ['INCIDENT-current-secret-7a', 'INCIDENT-previous-secret-8b'],
    docs: { provider: 'incident.io', url: 'https://api-docs.incident.io/tag/Webhooks' },
  }),
);
