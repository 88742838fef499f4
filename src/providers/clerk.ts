/**
 * Clerk webhooks, delivered by Svix: `svix-id`, `svix-timestamp`, `svix-signature` (Standard
 * Webhooks with Svix's header names), checked by the `standard-webhooks` kind.
 * https://clerk.com/docs/webhooks/verify-webhooks
 */
import { defineVerifier } from './define.ts';
import { standardWebhooksPreset } from './standard-webhooks-preset.ts';

export const clerkVerifier = defineVerifier(
  standardWebhooksPreset({
    type: 'clerk',
    headers: 'svix',
    eventField: 'type',
    exampleSeeds: ['CLERK-current-secret-3c', 'CLERK-previous-secret-4d'],
    docs: { provider: 'Clerk', url: 'https://clerk.com/docs/webhooks/verify-webhooks' },
  }),
);
