/**
 * Twitch EventSub over webhooks: `Twitch-Eventsub-Message-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of message id + timestamp + raw body with the subscription's secret. Twitch asks
 * receivers to refuse messages older than 10 minutes; the verification challenge is answered
 * with the challenge itself as text/plain, and revocations are routed as `revocation.<type>`.
 * https://dev.twitch.tv/docs/eventsub/handling-webhook-events/
 */

import { randomUUID } from 'node:crypto';
import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { assertFresh, rfc3339Ms, toleranceSchema } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { HandshakeReply, Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const SIGNATURE = 'Twitch-Eventsub-Message-Signature';
const SIGNATURE_LC = 'twitch-eventsub-message-signature';
const ID = 'Twitch-Eventsub-Message-Id';
const ID_LC = 'twitch-eventsub-message-id';
const TIMESTAMP = 'Twitch-Eventsub-Message-Timestamp';
const TIMESTAMP_LC = 'twitch-eventsub-message-timestamp';
const TYPE_LC = 'twitch-eventsub-message-type';
const SUBSCRIPTION_TYPE_LC = 'twitch-eventsub-subscription-type';
const PREFIX = 'sha256=';
const DEFAULT_TOLERANCE_MS = 10 * 60_000;

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyTwitch(req: WebhookRequest): Promise<void> {
    const signature = header(req, SIGNATURE_LC);
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', SIGNATURE);
    const id = header(req, ID_LC);
    if (id === undefined) throw new VerificationError('SIGNATURE_MALFORMED', ID);
    const timestamp = header(req, TIMESTAMP_LC);
    if (timestamp === undefined) throw new VerificationError('TIMESTAMP_MISSING', TIMESTAMP);
    const signedAtMs = rfc3339Ms(timestamp);
    if (signedAtMs === undefined) throw new VerificationError('SIGNATURE_MALFORMED', TIMESTAMP);
    const digest = signature.startsWith(PREFIX) ? signature.slice(PREFIX.length) : '';
    if (!isEncodedDigest(digest, 'sha256', 'hex')) throw new VerificationError('SIGNATURE_MALFORMED', SIGNATURE);
    if (!matchesAnySecret(secrets, 'sha256', [id, timestamp, req.rawBody], 'hex', digest)) {
      throw new VerificationError('SIGNATURE_INVALID', SIGNATURE);
    }
    assertFresh(req.receivedAt, signedAtMs, tolerance, TIMESTAMP);
  }

  function normalizeTwitch(req: WebhookRequest, body: unknown): Normalized {
    const subscriptionType = bodyString(body, 'subscription', 'type') ?? header(req, SUBSCRIPTION_TYPE_LC) ?? '';
    const messageType = header(req, TYPE_LC);
    // A challenge is answered, never routed; its name shows in logs and `hookgate test`.
    let eventType = subscriptionType;
    if (messageType === 'revocation') eventType = `revocation.${subscriptionType}`;
    else if (messageType === 'webhook_callback_verification') eventType = messageType;
    return {
      eventType,
      // Twitch resends a message with the same id: the id is the dedup key Twitch itself recommends.
      dedupKey: header(req, ID_LC) ?? '',
    };
  }

  function handshakeTwitch(req: WebhookRequest, body: unknown): HandshakeReply | undefined {
    if (header(req, TYPE_LC) !== 'webhook_callback_verification') return undefined;
    return { status: 200, contentType: 'text/plain', body: bodyString(body, 'challenge') ?? '' };
  }

  return { type: 'twitch', verify: verifyTwitch, normalize: normalizeTwitch, handshake: handshakeTwitch };
}

/** Signs a notification; a body with a `challenge` is sent as the verification request, as Twitch does. */
async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const id = input.deliveryId ?? randomUUID();
  const timestamp = (input.timestamp ?? new Date()).toISOString();
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.rawBody.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const subscriptionType = bodyString(parsed, 'subscription', 'type') ?? input.eventType ?? '';
  const messageType = bodyString(parsed, 'challenge') !== undefined ? 'webhook_callback_verification' : 'notification';
  return {
    [ID_LC]: id,
    [TIMESTAMP_LC]: timestamp,
    [SIGNATURE_LC]: PREFIX + hmacDigest('sha256', input.secret, [id, timestamp, input.rawBody], 'hex'),
    [TYPE_LC]: messageType,
    [SUBSCRIPTION_TYPE_LC]: subscriptionType,
    'twitch-eventsub-subscription-version': bodyString(parsed, 'subscription', 'version') ?? '1',
  };
}

export const twitchVerifier = defineVerifier({
  type: 'twitch',
  kind: 'signature',
  timestamp: { location: TIMESTAMP, defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: {
    options: { type: 'twitch', secrets: ['TWITCH-current-secret-2e7c', 'TWITCH-previous-secret-8b3d'] },
    malformedSignature: 'sha1=0123',
  },
  description: 'Twitch EventSub: Twitch-Eventsub-Message-Signature, sha256= HMAC of message id + timestamp + body; challenge answered.',
  docs: {
    provider: 'Twitch EventSub',
    url: 'https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message',
    scheme: 'HMAC-SHA256 (hex, `sha256=`) of message id + timestamp + body; tolerance 10m by default',
    headers: [SIGNATURE, ID, TIMESTAMP, 'Twitch-Eventsub-Message-Type'],
    eventType: 'body `subscription.type` (`channel.follow`); revocations `revocation.<type>`',
    dedupKey: '`Twitch-Eventsub-Message-Id`',
    handshake: '`webhook_callback_verification`: the challenge echoed as text/plain',
  },
  optionsSchema: verifyOptionsSchema(
    'twitch',
    "Twitch EventSub webhooks: Twitch-Eventsub-Message-Signature (sha256=<hex HMAC of id + timestamp + body>) with the subscription's secret.",
    { tolerance: toleranceSchema('10m') },
  ),
  secretHeaders: function twitchSecretHeaders() {
    return [SIGNATURE_LC];
  },
  create,
  sign,
});
