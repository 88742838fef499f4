/**
 * Paddle Billing: `Paddle-Signature: ts=<unix seconds>;h1=<hex>`, the HMAC-SHA256 of `ts:body`
 * with the notification destination's secret key. Paddle asks receivers to refuse a signature
 * older than a few seconds; the default tolerance follows its guidance (5s), in both directions.
 * https://developer.paddle.com/webhooks/signature-verification
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

const HEADER = 'Paddle-Signature';
const HEADER_LC = 'paddle-signature';
const DEFAULT_TOLERANCE_MS = 5_000;

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyPaddle(req: WebhookRequest): Promise<void> {
    const value = header(req, HEADER_LC);
    if (value === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    const items = signatureItems(value, ';');
    const ts = items.get('ts');
    const signedAtMs = ts?.length === 1 ? unixSecondsMs(ts[0]!) : undefined;
    const signatures = (items.get('h1') ?? []).filter(function wellFormed(candidate) {
      return isEncodedDigest(candidate, 'sha256', 'hex');
    });
    if (signedAtMs === undefined || signatures.length === 0) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    const base = [`${ts![0]}:`, req.rawBody];
    let matched = false;
    for (const signature of signatures) matched = matchesAnySecret(secrets, 'sha256', base, 'hex', signature) || matched;
    if (!matched) throw new VerificationError('SIGNATURE_INVALID', HEADER);
    assertFresh(req.receivedAt, signedAtMs, tolerance, HEADER);
  }

  function normalizePaddle(req: WebhookRequest, body: unknown): Normalized {
    return { eventType: bodyString(body, 'event_type') ?? '', dedupKey: bodyString(body, 'event_id') ?? sha256Hex(req.rawBody) };
  }

  return { type: 'paddle', verify: verifyPaddle, normalize: normalizePaddle };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const ts = String(Math.floor((input.timestamp ?? new Date()).getTime() / 1000));
  return { [HEADER_LC]: `ts=${ts};h1=${hmacDigest('sha256', input.secret, [`${ts}:`, input.rawBody], 'hex')}` };
}

export const paddleVerifier = defineVerifier({
  type: 'paddle',
  kind: 'signature',
  timestamp: { location: HEADER, defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: {
    options: { type: 'paddle', secrets: ['pdl_ntfset_01PADDLEcurrent_4c2d', 'pdl_ntfset_01PADDLEprevious_8e1f'] },
    malformedSignature: 'h1=0123',
  },
  description: 'Paddle Billing: Paddle-Signature ts=..;h1=.., HMAC-SHA256 (hex) of "ts:body" with the destination secret key.',
  docs: {
    provider: 'Paddle',
    url: 'https://developer.paddle.com/webhooks/signature-verification',
    scheme: 'HMAC-SHA256 (hex) of `ts:body`; `ts=..;h1=..` header; tolerance 5s by default',
    headers: [HEADER],
    eventType: 'body `event_type` (`transaction.completed`)',
    dedupKey: 'body `event_id`',
  },
  optionsSchema: verifyOptionsSchema(
    'paddle',
    'Paddle Billing: Paddle-Signature (ts=<unix>;h1=<hex HMAC-SHA256 of "ts:body">) with the notification secret key.',
    { tolerance: toleranceSchema('5s') },
  ),
  secretHeaders: function paddleSecretHeaders() {
    return [HEADER_LC];
  },
  create,
  sign,
});
