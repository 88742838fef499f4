/**
 * Resend webhooks, delivered by Svix: `svix-id`, `svix-timestamp`, `svix-signature` (Standard
 * Webhooks with Svix's header names), checked by the `standard-webhooks` kind.
 * https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests
 */
import { sha256Hex } from './hmac-core.ts';
import { definePreset, headerValue } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';
import { secretBlockSchema } from './scheme-kit.ts';
import { standardWebhooksVerifier } from './standard-webhooks.ts';

export const resendVerifier = definePreset({
  type: 'resend',
  description:
    'Resend webhooks: Standard Webhooks signature (svix headers), HMAC-SHA256 of id.timestamp.body with the whsec_ signing secret.',
  docs: {
    provider: 'Resend',
    url: 'https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests',
    scheme: 'Standard Webhooks: HMAC-SHA256 (base64, `v1,`) of id.timestamp.body; tolerance 5m',
    headers: ['svix-id', 'svix-timestamp', 'svix-signature'],
    eventType: 'body `type`',
    dedupKey: '`svix-id`',
  },
  optionsSchema: secretBlockSchema('resend', 'Resend webhooks: svix-* Standard Webhooks headers with the whsec_ signing secret.', {}),
  base: standardWebhooksVerifier,
  baseOptions: (options) => options,
  normalize: function normalizeResend(req, body) {
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
});
