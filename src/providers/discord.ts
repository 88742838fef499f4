/**
 * Discord interactions and webhook events: `X-Signature-Ed25519` is the Ed25519 signature (hex)
 * of `X-Signature-Timestamp` followed by the raw body, checked with the application's public key
 * (hex). Discord probes an endpoint with bad signatures and requires 401 for them, so every
 * refusal of this type carries 401. Its PINGs are answered here: an interaction PING with
 * `{"type":1}`, a webhook-event PING with 204.
 * https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
 */

import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { type ErrorCode, SetupError, VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { secret } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { asRecord, toleranceSchema, unixSecondsMs } from './scheme-kit.ts';
import type { HandshakeReply, Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const SIGNATURE = 'X-Signature-Ed25519';
const SIGNATURE_LC = 'x-signature-ed25519';
const TIMESTAMP = 'X-Signature-Timestamp';
const TIMESTAMP_LC = 'x-signature-timestamp';
const DEFAULT_TOLERANCE_MS = 5 * 60_000;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const HEX_SIGNATURE = /^[0-9a-fA-F]{128}$/;
/** DER prefixes that wrap a raw 32-byte Ed25519 key as SPKI (public) or PKCS#8 (private). */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const INTERACTION_TYPES: Readonly<Record<number, string>> = {
  1: 'PING',
  2: 'APPLICATION_COMMAND',
  3: 'MESSAGE_COMPONENT',
  4: 'APPLICATION_COMMAND_AUTOCOMPLETE',
  5: 'MODAL_SUBMIT',
};

function refuse(
  code: Extract<
    ErrorCode,
    'SIGNATURE_MISSING' | 'SIGNATURE_MALFORMED' | 'SIGNATURE_INVALID' | 'TIMESTAMP_MISSING' | 'TIMESTAMP_OUT_OF_TOLERANCE'
  >,
  detail: string,
): never {
  throw new VerificationError(code, detail, 401);
}

function publicKeysOf(options: VerifyOptionsBase): KeyObject[] {
  const raw = options.publicKey;
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const keys = list
    .filter((entry): entry is string => typeof entry === 'string' && entry !== '')
    .map(function toKey(hex) {
      if (!HEX_KEY.test(hex))
        throw new SetupError('verify.publicKey: must be the 64-hex-digit public key from the Developer Portal (type discord)');
      return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
    });
  if (keys.length === 0) throw new SetupError("verify.publicKey: required by type discord (the application's public key)");
  return keys;
}

/** A webhook-event body (`event` object, or the type 0 PING) as opposed to an interaction. */
function isWebhookEvent(record: Record<string, unknown>): boolean {
  return record.type === 0 || asRecord(record.event) !== undefined;
}

function create(options: VerifyOptionsBase): Verifier {
  const keys = publicKeysOf(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyDiscord(req: WebhookRequest): Promise<void> {
    const signature = header(req, SIGNATURE_LC);
    if (signature === undefined) refuse('SIGNATURE_MISSING', SIGNATURE);
    const timestamp = header(req, TIMESTAMP_LC);
    if (timestamp === undefined) refuse('TIMESTAMP_MISSING', TIMESTAMP);
    const signedAtMs = unixSecondsMs(timestamp);
    if (signedAtMs === undefined) refuse('SIGNATURE_MALFORMED', TIMESTAMP);
    if (!HEX_SIGNATURE.test(signature)) refuse('SIGNATURE_MALFORMED', SIGNATURE);
    const data = Buffer.concat([Buffer.from(timestamp, 'utf8'), req.rawBody]);
    const bytes = Buffer.from(signature, 'hex');
    let matched = false;
    for (const key of keys) matched = cryptoVerify(null, data, key, bytes) || matched;
    if (!matched) refuse('SIGNATURE_INVALID', SIGNATURE);
    if (Math.abs(req.receivedAt.getTime() - signedAtMs) > tolerance) refuse('TIMESTAMP_OUT_OF_TOLERANCE', TIMESTAMP);
  }

  function normalizeDiscord(req: WebhookRequest, body: unknown): Normalized {
    const record = asRecord(body) ?? {};
    if (isWebhookEvent(record)) {
      return { eventType: bodyString(record, 'event', 'type') ?? 'PING', dedupKey: sha256Hex(req.rawBody) };
    }
    const kind = typeof record.type === 'number' ? (INTERACTION_TYPES[record.type] ?? String(record.type)) : '';
    return { eventType: kind, dedupKey: bodyString(record, 'id') ?? sha256Hex(req.rawBody) };
  }

  function handshakeDiscord(_req: WebhookRequest, body: unknown): HandshakeReply | undefined {
    const record = asRecord(body);
    if (record === undefined) return undefined;
    if (record.type === 0) return { status: 204, contentType: 'application/json', body: '' };
    if (record.type === 1 && !isWebhookEvent(record)) return { status: 200, contentType: 'application/json', body: '{"type":1}' };
    return undefined;
  }

  return { type: 'discord', verify: verifyDiscord, normalize: normalizeDiscord, handshake: handshakeDiscord };
}

/** The private key in `secret`: a 64-hex-digit seed, base64 PKCS#8 DER, or PEM. */
function privateKeyOf(secret: string): KeyObject {
  const text = secret.trim();
  try {
    if (HEX_KEY.test(text))
      return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(text, 'hex')]), format: 'der', type: 'pkcs8' });
    if (text.startsWith('-----BEGIN')) return createPrivateKey(text);
    return createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new SetupError('type discord signs with an Ed25519 private key (hex seed, base64 PKCS#8 DER or PEM) as its secret');
  }
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const timestamp = String(Math.floor((input.timestamp ?? new Date()).getTime() / 1000));
  const signature = cryptoSign(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), input.rawBody]), privateKeyOf(input.secret));
  return { [SIGNATURE_LC]: signature.toString('hex'), [TIMESTAMP_LC]: timestamp };
}

function throwawayKeys(options: VerifyOptionsBase): { options: VerifyOptionsBase; signingSecret: string } {
  const pair = generateKeyPairSync('ed25519');
  const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length).toString('hex');
  const signingSecret = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length).toString('hex');
  const { secret: _secret, secrets: _secrets, ...rest } = options;
  return { options: { ...rest, type: options.type, publicKey }, signingSecret };
}

export const discordVerifier = defineVerifier({
  type: 'discord',
  kind: 'signature',
  timestamp: { location: TIMESTAMP, defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: {
    // Example key pairs made for this documentation; never use them for anything real.
    options: {
      type: 'discord',
      publicKey: [
        '2648fbaf161959b8e4b9910331fb5768a918cae8367f4e3d05f9823bef19218e',
        '120e93cd46de323e730fbb96ab2c2b5835bc42a61b51c40eb80ffbb0211c6269',
      ],
    },
    signingSecrets: [
      '6c70e7445e94b2578ec21535f812cbd9c0a55a7093d3c393048b19c830d1ad86',
      'cf1fddb90c9c845ac23d76dca62af404f31586e960c94898f7bdd6b1508d439a',
    ],
    malformedSignature: 'abcd',
  },
  description:
    "Discord interactions and webhook events: Ed25519 signature of timestamp + body with the application's public key; 401 on refusal, PINGs answered.",
  docs: {
    provider: 'Discord',
    url: 'https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers',
    scheme: 'Ed25519 (hex) of timestamp + body, public key in `publicKey`; refused requests get 401; tolerance 5m by default',
    headers: [SIGNATURE, TIMESTAMP],
    eventType: 'webhook events: body `event.type` (`APPLICATION_AUTHORIZED`); interactions: the type name (`APPLICATION_COMMAND`)',
    dedupKey: 'interactions: body `id`; webhook events: sha256 of the raw body',
    handshake: 'interaction PING answered `{"type":1}`; webhook-event PING answered 204',
  },
  optionsSchema: {
    type: 'object',
    description:
      "Discord: X-Signature-Ed25519 checked with the application's public key (hex); secret (optional) is the private key `send` signs with.",
    properties: {
      type: { const: 'discord', description: 'Verifier type.' },
      publicKey: {
        description: "The application's public key (64 hex digits) from the Developer Portal; a list during a key change.",
        oneOf: [
          { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
          { type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' }, minItems: 1 },
        ],
      },
      secret: {
        ...secret,
        description: 'Optional: the matching private key, only for `hookgate send` (the router never needs it).',
      },
      tolerance: toleranceSchema('5m'),
    },
    required: ['type', 'publicKey'],
    additionalProperties: false,
  },
  secretHeaders: function discordSecretHeaders() {
    return [SIGNATURE_LC];
  },
  create,
  sign,
  throwawayKeys,
});
