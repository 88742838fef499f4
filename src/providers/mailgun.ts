/**
 * Mailgun webhooks sign inside the body: `signature.timestamp`, `signature.token` and
 * `signature.signature` (JSON webhooks), or the top-level `timestamp`, `token` and `signature`
 * fields of a form-encoded post. The signature is the hex HMAC-SHA256 of timestamp + token with
 * the domain's HTTP webhook signing key. Multipart posts (inbound routes with attachments) are not
 * read: configure those routes to post form-encoded or JSON.
 * https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
 */

import { randomBytes } from 'node:crypto';
import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString } from './request-fields.ts';
import { asRecord, assertFresh, toleranceSchema, unixSecondsMs } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignedRequest, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const FIELD = 'signature';
const TIMESTAMP_FIELD = 'timestamp';
const FORM = 'application/x-www-form-urlencoded';
const DEFAULT_TOLERANCE_MS = 5 * 60_000;

interface BodySignature {
  readonly timestamp: string;
  readonly token: string;
  readonly signature: string;
}

/** The three signature fields from a JSON or form body; undefined when any is absent. */
function signatureFields(req: WebhookRequest): BodySignature | undefined {
  const text = req.rawBody.toString('utf8');
  if ((req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM)) {
    const form = new URLSearchParams(text);
    const timestamp = form.get('timestamp');
    const token = form.get('token');
    const signature = form.get('signature');
    return timestamp && token && signature ? { timestamp, token, signature } : undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const timestamp = bodyString(parsed, 'signature', 'timestamp');
  const token = bodyString(parsed, 'signature', 'token');
  const signature = bodyString(parsed, 'signature', 'signature');
  return timestamp && token && signature ? { timestamp, token, signature } : undefined;
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyMailgun(req: WebhookRequest): Promise<void> {
    const fields = signatureFields(req);
    if (fields === undefined) throw new VerificationError('SIGNATURE_MISSING', FIELD);
    const signedAtMs = unixSecondsMs(fields.timestamp);
    if (signedAtMs === undefined || !isEncodedDigest(fields.signature, 'sha256', 'hex')) {
      throw new VerificationError('SIGNATURE_MALFORMED', FIELD);
    }
    if (!matchesAnySecret(secrets, 'sha256', [fields.timestamp, fields.token], 'hex', fields.signature)) {
      throw new VerificationError('CREDENTIALS_INVALID', FIELD);
    }
    assertFresh(req.receivedAt, signedAtMs, tolerance, TIMESTAMP_FIELD);
  }

  function normalizeMailgun(req: WebhookRequest, body: unknown): Normalized {
    const event = bodyString(body, 'event-data', 'event') ?? bodyString(body, 'event') ?? '';
    const id = bodyString(body, 'event-data', 'id') ?? bodyString(body, 'signature', 'token') ?? bodyString(body, 'token');
    return { eventType: event, dedupKey: id ?? sha256Hex(req.rawBody) };
  }

  return { type: 'mailgun', verify: verifyMailgun, normalize: normalizeMailgun };
}

/** Mailgun's signature lives in the body: sign() has no header to add; signRequest() rewrites the body. */
async function sign(): Promise<Record<string, string>> {
  return {};
}

/** A JSON body gets a fresh `signature` object; a form body fresh top-level fields. */
async function signRequest(_options: VerifyOptionsBase, input: SignInput): Promise<SignedRequest> {
  const text = input.rawBody.toString('utf8');
  const timestamp = String(Math.floor((input.timestamp ?? new Date()).getTime() / 1000));
  const token = randomBytes(25).toString('hex');
  const signature = hmacDigest('sha256', input.secret, [timestamp, token], 'hex');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = asRecord(parsed);
  if (record !== undefined) {
    const body = { ...record, signature: { timestamp, token, signature } };
    return { headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(body, null, 2), 'utf8') };
  }
  const form = new URLSearchParams(text);
  form.set('timestamp', timestamp);
  form.set('token', token);
  form.set('signature', signature);
  return { headers: { 'content-type': FORM }, rawBody: Buffer.from(form.toString(), 'utf8') };
}

export const mailgunVerifier = defineVerifier({
  type: 'mailgun',
  // The signature covers timestamp and token only, never the body: a credential, not a body signature.
  kind: 'credential',
  timestamp: { location: 'body timestamp', defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: { options: { type: 'mailgun', secrets: ['MAILGUN-signing-key-current-5b', 'MAILGUN-signing-key-previous-8c'] } },
  description: 'Mailgun webhooks: the body carries timestamp, token and signature, a hex HMAC-SHA256 of timestamp + token.',
  docs: {
    provider: 'Mailgun',
    url: 'https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks',
    scheme:
      'HMAC-SHA256 (hex) of timestamp + token, all three inside the body (JSON `signature` object or form fields); tolerance 5m by default',
    headers: ['body `signature.timestamp`, `signature.token`, `signature.signature`'],
    eventType: 'body `event-data.event` (`delivered`)',
    dedupKey: 'body `event-data.id`, else the signature token',
  },
  optionsSchema: verifyOptionsSchema(
    'mailgun',
    'Mailgun webhooks: signature fields inside the body, checked with the HTTP webhook signing key.',
    { tolerance: toleranceSchema('5m') },
  ),
  secretHeaders: function mailgunSecretHeaders() {
    return [];
  },
  create,
  sign,
  signRequest,
});
