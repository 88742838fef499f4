/**
 * Resend webhooks, delivered by Svix: `svix-id`, `svix-timestamp`, `svix-signature` (Standard
 * Webhooks with Svix's header names), checked by the `standard-webhooks` kind.
 * https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests
 */
import { defineVerifier } from './define.ts';
import { standardWebhooksPreset } from './standard-webhooks-preset.ts';

export const resendVerifier = defineVerifier(
  standardWebhooksPreset({
    type: 'resend',
    headers: 'svix',
    eventField: 'type',
    exampleSeeds: ['RESEND-current-secret-5e', 'RESEND-previous-secret-6f'],
    docs: { provider: 'Resend', url: 'https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests' },
  }),
);
