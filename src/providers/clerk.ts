/**
 * Clerk webhooks, delivered by Svix: `svix-id`, `svix-timestamp`, `svix-signature` (Standard
 * Webhooks with Svix's header names), checked by the `standard-webhooks` kind.
 * https://clerk.com/docs/webhooks/verify-webhooks
 */

import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { headerValue, preset } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

import { standardWebhooksVerifier } from './standard-webhooks.ts';

const whsec = (seed: string): string => `whsec_${Buffer.from(seed, 'utf8').toString('base64')}`;

export const clerkVerifier = defineVerifier(
  preset({
    type: 'clerk',
    example: {
      options: { type: 'clerk', secrets: [whsec('CLERK-current-secret-3c'), whsec('CLERK-previous-secret-4d')] },
      malformedSignature: 'v2,c2lnbmF0dXJl',
    },
    timestamp: { location: 'svix-timestamp', defaultToleranceMs: 5 * 60_000 },
    description:
      'Clerk webhooks: Standard Webhooks signature (svix headers), HMAC-SHA256 of id.timestamp.body with the whsec_ signing secret.',
    docs: {
      provider: 'Clerk',
      url: 'https://clerk.com/docs/webhooks/verify-webhooks',
      scheme: 'Standard Webhooks: HMAC-SHA256 (base64, `v1,`) of id.timestamp.body; tolerance 5m',
      headers: ['svix-id', 'svix-timestamp', 'svix-signature'],
      eventType: 'body `type`',
      dedupKey: '`svix-id`',
    },
    optionsSchema: verifyOptionsSchema('clerk', 'Clerk webhooks: svix-* Standard Webhooks headers with the whsec_ signing secret.', {}),
    base: standardWebhooksVerifier,
    baseOptions: (options) => options,
    secretHeaders: () => ['svix-signature', 'webhook-signature'],
    normalize: function normalizeClerk(req, body) {
      return {
        eventType: bodyString(body, 'type') ?? '',
        dedupKey: headerValue(req, 'webhook-id') ?? headerValue(req, 'svix-id') ?? sha256Hex(req.rawBody),
      };
    },
    /** Svix sends its own header names; the Standard Webhooks signer's are renamed. */
    signHeaders: function svixHeaders(signed) {
      const renamed: Record<string, string> = {};
      for (const [name, value] of Object.entries(signed)) renamed[name.replace(/^webhook-/, 'svix-')] = value;
      return renamed;
    },
  }),
);
