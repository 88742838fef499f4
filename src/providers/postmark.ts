/**
 * Postmark webhooks sign nothing: the webhook URL carries HTTP Basic credentials
 * (`https://user:password@...`), which Postmark sends as `Authorization: Basic`, checked like the
 * `basic` kind (`username`, and the password as the secret).
 * https://postmarkapp.com/developer/webhooks/webhooks-overview#protecting-your-webhook
 */

import { basicVerifier } from './basic.ts';
import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { preset } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';
import { asRecord } from './scheme-kit.ts';

export const postmarkVerifier = defineVerifier(
  preset({
    type: 'postmark',
    example: {
      options: { type: 'postmark', username: 'postmark', secrets: ['POSTMARK-current-9c', 'POSTMARK-previous-0d'] },
      malformedSignature: 'Bearer abc',
    },
    description: 'Postmark webhooks: Postmark signs nothing; HTTP Basic credentials from the webhook URL, compared in constant time.',
    docs: {
      provider: 'Postmark',
      url: 'https://postmarkapp.com/developer/webhooks/webhooks-overview#protecting-your-webhook',
      scheme: 'no signature: HTTP Basic credentials set in the webhook URL (`username`, password as the secret), compared in constant time',
      headers: ['Authorization'],
      eventType: 'body `RecordType` (`Delivery`, `Bounce`, `Open`); inbound messages `Inbound`',
      dedupKey: 'body `RecordType` + `:` + `ID` for bounces, else sha256 of the raw body',
    },
    optionsSchema: verifyOptionsSchema(
      'postmark',
      'Postmark webhooks: HTTP Basic credentials from the webhook URL (basic check; Postmark signs nothing).',
      { username: { type: 'string', minLength: 1, description: 'The user name in the webhook URL.' } },
      ['username'],
    ),
    base: basicVerifier,
    baseOptions: (options) => options,
    normalize: function normalizePostmark(req, body) {
      const record = asRecord(body) ?? {};
      const recordType = bodyString(record, 'RecordType') ?? (bodyString(record, 'MessageStream') === 'inbound' ? 'Inbound' : '');
      const id = typeof record.ID === 'number' || typeof record.ID === 'string' ? String(record.ID) : undefined;
      return { eventType: recordType, dedupKey: id === undefined ? sha256Hex(req.rawBody) : `${recordType}:${id}` };
    },
  }),
);
