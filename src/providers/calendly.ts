/**
 * Calendly: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>`, the HMAC-SHA256 of
 * `t.body` with the webhook signing key. Calendly suggests a tolerance of three minutes.
 * https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures
 */

import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { assertFresh, signatureItems, toleranceSchema, unixSecondsMs } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'Calendly-Webhook-Signature';
const HEADER_LC = 'calendly-webhook-signature';
const DEFAULT_TOLERANCE_MS = 3 * 60_000;

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyCalendly(req: WebhookRequest): Promise<void> {
    const value = header(req, HEADER_LC);
    if (value === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    const items = signatureItems(value, ',');
    const t = items.get('t');
    const signedAtMs = t?.length === 1 ? unixSecondsMs(t[0]!) : undefined;
    const signatures = (items.get('v1') ?? []).filter(function wellFormed(candidate) {
      return isEncodedDigest(candidate, 'sha256', 'hex');
    });
    if (signedAtMs === undefined || signatures.length === 0) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    const base = [`${t![0]}.`, req.rawBody];
    let matched = false;
    for (const signature of signatures) matched = matchesAnySecret(secrets, 'sha256', base, 'hex', signature) || matched;
    if (!matched) throw new VerificationError('SIGNATURE_INVALID', HEADER);
    assertFresh(req.receivedAt, signedAtMs, tolerance, HEADER);
  }

  /**
   * Calendly sends no event id. An invitee's URI names the booking; with the event name it tells
   * `invitee.created` and `invitee.canceled` of one booking apart, and a redelivery is a duplicate.
   */
  function normalizeCalendly(req: WebhookRequest, body: unknown): Normalized {
    const event = bodyString(body, 'event') ?? '';
    const uri = bodyString(body, 'payload', 'uri');
    return { eventType: event, dedupKey: uri === undefined ? sha256Hex(req.rawBody) : `${event}:${uri}` };
  }

  return { type: 'calendly', verify: verifyCalendly, normalize: normalizeCalendly };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const t = String(Math.floor((input.timestamp ?? new Date()).getTime() / 1000));
  return { [HEADER_LC]: `t=${t},v1=${hmacDigest('sha256', input.secret, [`${t}.`, input.rawBody], 'hex')}` };
}

export const calendlyVerifier = defineVerifier({
  type: 'calendly',
  kind: 'signature',
  timestamp: { location: HEADER, defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: {
    options: { type: 'calendly', secrets: ['CALENDLY-current-5a0b', 'CALENDLY-previous-1f6e'] },
    malformedSignature: 'v1=0123',
  },
  description: 'Calendly: Calendly-Webhook-Signature t=..,v1=.., HMAC-SHA256 (hex) of "t.body" with the webhook signing key.',
  docs: {
    provider: 'Calendly',
    url: 'https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures',
    scheme: 'HMAC-SHA256 (hex) of `t.body`; `t=..,v1=..` header; tolerance 3m by default',
    headers: [HEADER],
    eventType: 'body `event` (`invitee.created`)',
    dedupKey: 'body `event` + `:` + `payload.uri`',
  },
  optionsSchema: verifyOptionsSchema(
    'calendly',
    'Calendly: Calendly-Webhook-Signature (t=<unix>,v1=<hex HMAC-SHA256 of "t.body">) with the webhook signing key.',
    { tolerance: toleranceSchema('3m') },
  ),
  secretHeaders: function calendlySecretHeaders() {
    return [HEADER_LC];
  },
  create,
  sign,
});
