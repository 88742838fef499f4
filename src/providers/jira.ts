/**
 * Jira Cloud admin webhooks with a secret: `X-Hub-Signature: sha256=<hex>`, the HMAC-SHA256 of the
 * raw body: an `hmac` check with Jira's defaults. `X-Atlassian-Webhook-Identifier` stays the same
 * across retries of one delivery, so it is the dedup key.
 * https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks
 */

import { defineVerifier } from './define.ts';
import { hmacVerifier } from './hmac.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { headerValue, preset } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';

const JIRA_PREFIX = 'jira:';

export const jiraVerifier = defineVerifier(
  preset({
    type: 'jira',
    example: { options: { type: 'jira', secrets: ['JIRA-current-1a', 'JIRA-previous-2b'] }, malformedSignature: 'sha1=0123' },
    description: 'Jira Cloud webhooks: X-Hub-Signature, sha256= HMAC-SHA256 (hex) of the body with the webhook secret.',
    docs: {
      provider: 'Jira',
      url: 'https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks',
      scheme: 'HMAC-SHA256 (hex, `sha256=`) of the body with the webhook secret',
      headers: ['X-Hub-Signature'],
      eventType: 'body `webhookEvent` without `jira:` (`issue_updated`)',
      dedupKey: '`X-Atlassian-Webhook-Identifier`',
    },
    optionsSchema: verifyOptionsSchema(
      'jira',
      'Jira Cloud webhooks: X-Hub-Signature (sha256=<hex HMAC-SHA256>) with the webhook secret.',
      {},
    ),
    base: hmacVerifier,
    baseOptions: (options) => ({ ...options, header: 'X-Hub-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }),
    normalize: function normalizeJira(req, body) {
      const event = bodyString(body, 'webhookEvent') ?? '';
      return {
        eventType: event.startsWith(JIRA_PREFIX) ? event.slice(JIRA_PREFIX.length) : event,
        dedupKey: headerValue(req, 'x-atlassian-webhook-identifier') ?? sha256Hex(req.rawBody),
      };
    },
    signHeaders: function jiraHeaders(signed, input) {
      return { ...signed, ...(input.deliveryId !== undefined ? { 'x-atlassian-webhook-identifier': input.deliveryId } : {}) };
    },
  }),
);
