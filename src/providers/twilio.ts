/**
 * Twilio: `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed with the account's auth token, of
 * the full URL Twilio called followed by every POST form field, sorted by name, as name + value
 * (a repeated name: each distinct value, sorted). Requests with a JSON body carry `bodySHA256`
 * (hex sha256 of the body) in the query instead, and the signature covers the URL alone. Like
 * Twilio's own helper, the URL is tried without and with the scheme's default port, since the
 * one Twilio signed depends on how the URL was entered.
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */

import { createHash } from 'node:crypto';
import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, safeEqual, sha256Hex } from './hmac-core.ts';
import { requiredString } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { asRecord, publicUrl, stripQuery, URL_SCHEMA } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignedRequest, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'X-Twilio-Signature';
const HEADER_LC = 'x-twilio-signature';
const IDEMPOTENCY_LC = 'i-twilio-idempotency-token';
const FORM = 'application/x-www-form-urlencoded';
const BODY_HASH = 'bodySHA256';

/** name + value for each form field, names sorted, a repeated name's distinct values sorted. */
export function formSigningString(form: URLSearchParams): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of form) {
    const values = byName.get(name) ?? new Set<string>();
    values.add(value);
    byName.set(name, values);
  }
  let out = '';
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...byName.get(name)!].sort()) out += name + value;
  }
  return out;
}

/** The URL as entered, and the same with the scheme's default port removed and added. */
function portVariants(url: string): string[] {
  const parts = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (parts === null) return [url];
  const [, scheme, authority, rest] = parts as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? '' : authority.slice(0, at + 1);
  const hostPort = /^(.*?)(?::(\d+))?$/.exec(authority.slice(at + 1));
  const host = hostPort?.[1] ?? '';
  const port = hostPort?.[2];
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  const withoutPort = `${scheme}://${userinfo}${host}${port === undefined || port === defaultPort ? '' : `:${port}`}${rest}`;
  const withPort = `${scheme}://${userinfo}${host}:${port ?? defaultPort}${rest}`;
  return [...new Set([url, withoutPort, withPort])];
}

function isForm(req: WebhookRequest): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM);
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const configuredUrl = requiredString(options, 'url');

  async function verifyTwilio(req: WebhookRequest): Promise<void> {
    const signature = header(req, HEADER_LC);
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    if (!isEncodedDigest(signature, 'sha1', 'base64')) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    const url = publicUrl(configuredUrl, req);
    const bodyHash = req.query[BODY_HASH];
    const fields = bodyHash === undefined && isForm(req) ? formSigningString(new URLSearchParams(req.rawBody.toString('utf8'))) : '';
    let matched = false;
    for (const candidate of portVariants(url)) {
      matched = matchesAnySecret(secrets, 'sha1', [candidate, fields], 'base64', signature) || matched;
    }
    if (!matched) throw new VerificationError('SIGNATURE_INVALID', HEADER);
    // The signature covers the URL and so the body hash in it; the body must then match that hash.
    if (bodyHash !== undefined && !safeEqual(bodyHash.toLowerCase(), sha256Hex(req.rawBody))) {
      throw new VerificationError('SIGNATURE_INVALID', HEADER);
    }
  }

  /**
   * Messaging and voice webhooks carry no event name: an incoming message is `message.received`,
   * a status callback `message.<status>` or `call.<status>`; JSON bodies (Event Streams, Studio)
   * keep their own `type`.
   */
  function normalizeTwilio(req: WebhookRequest, body: unknown): Normalized {
    const messageSid = bodyString(body, 'MessageSid') ?? bodyString(body, 'SmsSid');
    const messageStatus = bodyString(body, 'MessageStatus') ?? bodyString(body, 'SmsStatus');
    const callSid = bodyString(body, 'CallSid');
    const callStatus = bodyString(body, 'CallStatus');
    let eventType = bodyString(body, 'type') ?? '';
    let fallbackKey: string | undefined;
    if (messageSid !== undefined && messageStatus !== undefined) {
      eventType = `message.${messageStatus}`;
      fallbackKey = `${messageSid}:${messageStatus}`;
    } else if (callSid !== undefined && callStatus !== undefined) {
      eventType = `call.${callStatus}`;
      fallbackKey = `${callSid}:${callStatus}`;
    }
    return { eventType, dedupKey: header(req, IDEMPOTENCY_LC) ?? fallbackKey ?? sha256Hex(req.rawBody) };
  }

  return { type: 'twilio', verify: verifyTwilio, normalize: normalizeTwilio };
}

function signature(secret: string, url: string, fields: string): string {
  return hmacDigest('sha1', secret, [url, fields], 'base64');
}

/** Headers for a body that is already form-encoded (the signature covers the configured URL). */
async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const url = stripQuery(requiredString(options, 'url'));
  const fields = formSigningString(new URLSearchParams(input.rawBody.toString('utf8')));
  return { [HEADER_LC]: signature(input.secret, url, fields), 'content-type': FORM };
}

/**
 * A JSON object of flat string fields (the samples) is sent form-encoded, as Twilio sends SMS and
 * voice webhooks; any other body is sent as JSON with `bodySHA256` in the query.
 */
async function signRequest(options: VerifyOptionsBase, input: SignInput): Promise<SignedRequest> {
  const url = stripQuery(requiredString(options, 'url'));
  const idempotency: Record<string, string> = input.deliveryId !== undefined ? { [IDEMPOTENCY_LC]: input.deliveryId } : {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.rawBody.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const record = asRecord(parsed);
  if (record !== undefined && Object.values(record).every((value) => typeof value === 'string')) {
    const form = new URLSearchParams(record as Record<string, string>);
    const rawBody = Buffer.from(form.toString(), 'utf8');
    return {
      headers: { [HEADER_LC]: signature(input.secret, url, formSigningString(form)), 'content-type': FORM, ...idempotency },
      rawBody,
    };
  }
  if (parsed === undefined) return { headers: { ...(await sign(options, input)), ...idempotency }, rawBody: input.rawBody };
  const bodyHash = createHash('sha256').update(input.rawBody).digest('hex');
  const query = { [BODY_HASH]: bodyHash };
  return {
    headers: {
      [HEADER_LC]: signature(input.secret, `${url}?${BODY_HASH}=${bodyHash}`, ''),
      'content-type': 'application/json',
      ...idempotency,
    },
    rawBody: input.rawBody,
    query,
  };
}

export const twilioVerifier = defineVerifier({
  type: 'twilio',
  kind: 'signature',
  example: {
    options: {
      type: 'twilio',
      url: 'https://hooks.example.com/webhooks/twilio',
      secrets: ['TWILIO-auth-token-current-1a', 'TWILIO-auth-token-previous-2b'],
    },
    malformedSignature: 'not base64!',
  },
  description:
    'Twilio: X-Twilio-Signature, base64 HMAC-SHA1 of the public URL + sorted form fields (JSON bodies: bodySHA256 in the query).',
  docs: {
    provider: 'Twilio',
    url: 'https://www.twilio.com/docs/usage/webhooks/webhooks-security',
    scheme:
      'HMAC-SHA1 (base64) of the public URL (`url`) + sorted form fields; JSON bodies: sha256 of the body in the `bodySHA256` query parameter',
    headers: [HEADER],
    eventType: '`message.<MessageStatus>` (or SmsStatus) or `call.<CallStatus>`; JSON bodies: body `type`',
    dedupKey: '`I-Twilio-Idempotency-Token`, else MessageSid/CallSid + status',
  },
  optionsSchema: verifyOptionsSchema(
    'twilio',
    'Twilio: X-Twilio-Signature (base64 HMAC-SHA1 of url + sorted form fields) with the account auth token.',
    { url: URL_SCHEMA },
    ['url'],
  ),
  secretHeaders: function twilioSecretHeaders() {
    return [HEADER_LC];
  },
  create,
  sign,
  signRequest,
});
