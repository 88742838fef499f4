/**
 * Bitbucket Cloud webhooks with a secret: `X-Hub-Signature: sha256=<hex>`, the HMAC-SHA256 of the
 * raw body: an `hmac` check with Bitbucket's defaults. The event key (`repo:push`) is normalized
 * with dots (`repo.push`) so that `events: [pullrequest]` matches every pull request event.
 * https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks
 */

import { defineVerifier } from './define.ts';
import { hmacVerifier } from './hmac.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { headerValue, preset } from './preset-kit.ts';

export const bitbucketVerifier = defineVerifier(
  preset({
    type: 'bitbucket',
    example: {
      options: { type: 'bitbucket', secrets: ['BITBUCKET-current-5a', 'BITBUCKET-previous-6b'] },
      malformedSignature: 'sha1=0123',
    },
    eventTypeHeader: 'X-Event-Key',
    description: 'Bitbucket Cloud webhooks: X-Hub-Signature, sha256= HMAC-SHA256 (hex) of the body with the webhook secret.',
    docs: {
      provider: 'Bitbucket',
      url: 'https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/',
      scheme: 'HMAC-SHA256 (hex, `sha256=`) of the body with the webhook secret',
      headers: ['X-Hub-Signature', 'X-Event-Key'],
      eventType: '`X-Event-Key` with `:` as `.` (`pullrequest.created`)',
      dedupKey: '`X-Request-UUID`',
    },
    optionsSchema: verifyOptionsSchema(
      'bitbucket',
      'Bitbucket Cloud webhooks: X-Hub-Signature (sha256=<hex HMAC-SHA256>) with the webhook secret.',
      {},
    ),
    base: hmacVerifier,
    baseOptions: (options) => ({ ...options, header: 'X-Hub-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }),
    normalize: function normalizeBitbucket(req) {
      return {
        eventType: (headerValue(req, 'x-event-key') ?? '').replaceAll(':', '.'),
        dedupKey: headerValue(req, 'x-request-uuid') ?? headerValue(req, 'x-request-id') ?? sha256Hex(req.rawBody),
      };
    },
    signHeaders: function bitbucketHeaders(signed, input) {
      return {
        ...signed,
        ...(input.eventType !== undefined ? { 'x-event-key': input.eventType.replace('.', ':') } : {}),
        ...(input.deliveryId !== undefined ? { 'x-request-uuid': input.deliveryId } : {}),
      };
    },
  }),
);
