/**
 * Linear: `Linear-Signature` = hex HMAC-SHA256 of the raw body with the webhook's signing secret.
 * The signed time is the body's `webhookTimestamp` (Unix milliseconds), which Linear asks to be
 * within a minute of receipt. https://linear.app/developers/webhooks
 */
import { randomUUID } from 'node:crypto';
import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { tolerance, verifyOptionsSchema } from './options.ts';
import { bodyString, firstSegment, header, joinEventType } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'Linear-Signature';
const HEADER_LC = 'linear-signature';
const TIMESTAMP_FIELD = 'webhookTimestamp';
const DEFAULT_TOLERANCE_MS = 60_000;

/** The body's webhookTimestamp in milliseconds, or undefined when the body is not JSON or has none. */
function signedTime(rawBody: Buffer): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const value = (parsed as Record<string, unknown>)[TIMESTAMP_FIELD];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const toleranceLimit = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyLinear(req: WebhookRequest): Promise<void> {
    const received = header(req, HEADER_LC);
    if (received === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    if (!isEncodedDigest(received, 'sha256', 'hex')) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    if (!matchesAnySecret(secrets, 'sha256', [req.rawBody], 'hex', received)) {
      throw new VerificationError('SIGNATURE_INVALID', HEADER);
    }
    // The time is read from the signed body, so it is checked once the signature holds.
    const at = signedTime(req.rawBody);
    if (at === undefined) throw new VerificationError('TIMESTAMP_MISSING', TIMESTAMP_FIELD);
    if (Math.abs(req.receivedAt.getTime() - at) > toleranceLimit) {
      throw new VerificationError('TIMESTAMP_OUT_OF_TOLERANCE', TIMESTAMP_FIELD);
    }
  }

  function normalizeLinear(req: WebhookRequest, body: unknown): Normalized {
    return {
      eventType: joinEventType(bodyString(body, 'type'), bodyString(body, 'action')),
      dedupKey: header(req, 'linear-delivery') ?? bodyString(body, 'webhookId') ?? sha256Hex(req.rawBody),
    };
  }

  return { type: 'linear', verify: verifyLinear, normalize: normalizeLinear };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    [HEADER_LC]: hmacDigest('sha256', input.secret, [input.rawBody], 'hex'),
    'linear-delivery': input.deliveryId ?? randomUUID(),
  };
  if (input.eventType !== undefined && input.eventType !== '') headers['linear-event'] = firstSegment(input.eventType);
  return headers;
}

/** The body with webhookTimestamp set to `at`; a body that is not a JSON object is left as it is. */
function stampBody(rawBody: Buffer, at: Date): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return rawBody;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return rawBody;
  return Buffer.from(JSON.stringify({ ...(parsed as Record<string, unknown>), [TIMESTAMP_FIELD]: at.getTime() }));
}

export const linearVerifier = defineVerifier({
  type: 'linear',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema(
    'linear',
    'Linear: Linear-Signature, HMAC-SHA256 (hex) of the body; the body webhookTimestamp within the tolerance (default 1m).',
    { tolerance: { ...tolerance, description: 'How far the body webhookTimestamp may be from now (default 1m).' } },
  ),
  docs: {
    provider: 'Linear',
    url: 'https://linear.app/developers/webhooks',
    scheme: 'HMAC-SHA256 (hex) of the body; body `webhookTimestamp` within `tolerance` (default 1m)',
    headers: ['Linear-Signature', 'Linear-Delivery'],
    eventType: 'body `type` + `.` + body `action` (`Issue.create`)',
    dedupKey: '`Linear-Delivery`, else body `webhookId`',
  },
  secretHeaders: function linearSecretHeaders() {
    return [HEADER_LC];
  },
  timestamp: { location: `body ${TIMESTAMP_FIELD}`, defaultToleranceMs: DEFAULT_TOLERANCE_MS, stampBody },
  example: {
    options: { type: 'linear', secrets: ['lin_wh_LINEAR-current-4e1a', 'lin_wh_LINEAR-previous-9b0c'] },
    malformedSignature: 'sha256=0123',
  },
  create,
  sign,
});
