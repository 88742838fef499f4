/**
 * SendGrid (Twilio SendGrid) Event Webhook with signature verification: an ECDSA P-256 / SHA-256
 * signature (base64 DER) of the timestamp header followed by the raw body, checked with the
 * verification key SendGrid shows in its Mail Settings (base64 DER, or PEM). The router needs no
 * secret; `secret` may hold the matching private key so `hookgate send` can sign like SendGrid.
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 */

import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { SetupError, VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { secret } from './options.ts';
import { header } from './request-fields.ts';
import { asRecord, assertFresh, toleranceSchema, unixSecondsMs } from './scheme-kit.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const SIGNATURE = 'X-Twilio-Email-Event-Webhook-Signature';
const SIGNATURE_LC = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'X-Twilio-Email-Event-Webhook-Timestamp';
const TIMESTAMP_LC = 'x-twilio-email-event-webhook-timestamp';
const DEFAULT_TOLERANCE_MS = 5 * 60_000;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A PEM text, or the bare base64 DER SendGrid displays. */
function publicKeyFrom(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  return createPublicKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
}

function privateKeyFrom(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed);
  return createPrivateKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'pkcs8' });
}

function publicKeysOf(options: VerifyOptionsBase): KeyObject[] {
  const raw = options.publicKey;
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const keys: KeyObject[] = [];
  for (const entry of list) {
    if (typeof entry !== 'string' || entry === '') continue;
    let key: KeyObject;
    try {
      key = publicKeyFrom(entry);
    } catch {
      throw new SetupError('verify.publicKey: not an EC public key (base64 DER as SendGrid shows it, or PEM) (type sendgrid)');
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new SetupError('verify.publicKey: must be an ECDSA P-256 key (type sendgrid)');
    }
    keys.push(key);
  }
  if (keys.length === 0) throw new SetupError('verify.publicKey: required by type sendgrid (the verification key from Mail Settings)');
  return keys;
}

function create(options: VerifyOptionsBase): Verifier {
  const keys = publicKeysOf(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifySendGrid(req: WebhookRequest): Promise<void> {
    const signature = header(req, SIGNATURE_LC);
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', SIGNATURE);
    const timestamp = header(req, TIMESTAMP_LC);
    if (timestamp === undefined) throw new VerificationError('TIMESTAMP_MISSING', TIMESTAMP);
    const signedAtMs = unixSecondsMs(timestamp);
    if (signedAtMs === undefined) throw new VerificationError('SIGNATURE_MALFORMED', TIMESTAMP);
    if (!BASE64.test(signature) || signature.length > 200) throw new VerificationError('SIGNATURE_MALFORMED', SIGNATURE);
    const data = Buffer.concat([Buffer.from(timestamp, 'utf8'), req.rawBody]);
    const der = Buffer.from(signature, 'base64');
    let matched = false;
    for (const key of keys) {
      try {
        matched = cryptoVerify('sha256', data, { key, dsaEncoding: 'der' }, der) || matched;
      } catch {
        // A signature that is not valid DER is simply no match for this key.
      }
    }
    if (!matched) throw new VerificationError('SIGNATURE_INVALID', SIGNATURE);
    assertFresh(req.receivedAt, signedAtMs, tolerance, TIMESTAMP);
  }

  /**
   * SendGrid posts an array of events. A batch of one event type is that type (`delivered`); its
   * dedup key is `sg_event_id` when it holds one event, else the body hash.
   */
  function normalizeSendGrid(req: WebhookRequest, body: unknown): Normalized {
    const events = (Array.isArray(body) ? body : [body]).map(asRecord).filter((event) => event !== undefined);
    const types = new Set(events.map((event) => (typeof event.event === 'string' ? event.event : '')));
    const only = events.length === 1 ? events[0]?.sg_event_id : undefined;
    return {
      eventType: types.size === 1 ? [...types][0]! : types.size === 0 ? '' : 'batch',
      dedupKey: typeof only === 'string' ? only : sha256Hex(req.rawBody),
    };
  }

  return { type: 'sendgrid', verify: verifySendGrid, normalize: normalizeSendGrid };
}

/** Signs with the private key in `secret` (base64 PKCS#8 DER or PEM), as SendGrid signs. */
async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  let key: KeyObject;
  try {
    key = privateKeyFrom(input.secret);
  } catch {
    throw new SetupError('type sendgrid signs with a P-256 private key (base64 PKCS#8 DER or PEM) as its secret');
  }
  const timestamp = String(Math.floor((input.timestamp ?? new Date()).getTime() / 1000));
  const signature = cryptoSign('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), input.rawBody]), { key, dsaEncoding: 'der' });
  return { [SIGNATURE_LC]: signature.toString('base64'), [TIMESTAMP_LC]: timestamp };
}

function throwawayKeys(options: VerifyOptionsBase): { options: VerifyOptionsBase; signingSecret: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const signingSecret = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const { secret: _secret, secrets: _secrets, ...rest } = options;
  return { options: { ...rest, type: options.type, publicKey }, signingSecret };
}

const publicKeySchema = {
  description: 'The verification key from Mail Settings (base64 DER or PEM); a list during a key change.',
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  ],
};

export const sendgridVerifier = defineVerifier({
  type: 'sendgrid',
  kind: 'signature',
  timestamp: { location: TIMESTAMP, defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: {
    // Example key pairs made for this documentation; never use them for anything real.
    options: {
      type: 'sendgrid',
      publicKey: [
        'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4tQHo3M7IafWei20JHYfwvN7SM2d9X7WM4alPdZpYryz1P2mbbNQZS5LAN2V4ffe2vy+TVcJL+3HCg0Lyd18/Q==',
        'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3G9rBkv72ArJmIvAOJJZVZIHTB5KtTxiLx4i2ZgVkEInDJ86sz4mdsG3eVrxDgnQCTAP3XtwS8z75cX+0TxTYQ==',
      ],
    },
    signingSecrets: [
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgs+UF7ddxjNqE1FvJFEhFLzYMlha7vmBrnY45NoRoHZuhRANCAATi1Aejczshp9Z6LbQkdh/C83tIzZ31ftYzhqU91mlivLPU/aZts1BlLksA3ZXh997a/L5NVwkv7ccKDQvJ3Xz9',
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNfRQahL5SJqLn0eUYpfOWrSWhDYnbUuqelAziZdTeNihRANCAATcb2sGS/vYCsmYi8A4kllVkgdMHkq1PGIvHiLZmBWQQicMnzqzPiZ2wbd5WvEOCdAJMA/de3BLzPvlxf7RPFNh',
    ],
    malformedSignature: 'not base64!',
  },
  description: 'SendGrid Event Webhook: ECDSA P-256 signature of timestamp + body, checked with the verification (public) key.',
  docs: {
    provider: 'SendGrid',
    url: 'https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features',
    scheme: 'ECDSA P-256 / SHA-256 (base64 DER) of timestamp + body, public key in `publicKey`; tolerance 5m by default',
    headers: [SIGNATURE, TIMESTAMP],
    eventType: 'body `[].event` (`delivered`; `batch` when a batch mixes types)',
    dedupKey: 'body `[0].sg_event_id` for a single event, else sha256 of the raw body',
  },
  optionsSchema: {
    type: 'object',
    description:
      'SendGrid Event Webhook: X-Twilio-Email-Event-Webhook-Signature (ECDSA P-256) checked with publicKey; secret (optional) is the private key `send` signs with.',
    properties: {
      type: { const: 'sendgrid', description: 'Verifier type.' },
      publicKey: publicKeySchema,
      secret: {
        ...secret,
        description: 'Optional: the matching private key, only for `hookgate send` (the router never needs it).',
      },
      tolerance: toleranceSchema('5m'),
    },
    required: ['type', 'publicKey'],
    additionalProperties: false,
  },
  secretHeaders: function sendgridSecretHeaders() {
    return [SIGNATURE_LC];
  },
  create,
  sign,
  throwawayKeys,
});
