/**
 * Slack: `X-Slack-Signature: v0=<hex hmac-sha256 of "v0:{X-Slack-Request-Timestamp}:{raw body}">`
 * with the app's signing secret; stale timestamps are refused (replay protection).
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
import { VerificationError } from '../errors.ts';
import { DEFAULTS } from '../pipeline/types.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { toleranceMs } from './option-readers.ts';
import { tolerance as toleranceSchema, verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { HandshakeReply, Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'X-Slack-Signature';
const HEADER_LC = 'x-slack-signature';
const TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';
const TIMESTAMP_LC = 'x-slack-request-timestamp';
const VERSION = 'v0';
const PREFIX = 'v0=';
const TIMESTAMP = /^\d+$/;

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const tolerance = toleranceMs(options, DEFAULTS.toleranceMs);

  async function verifySlack(req: WebhookRequest): Promise<void> {
    const received = header(req, HEADER_LC);
    if (received === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    const timestamp = header(req, TIMESTAMP_LC);
    if (timestamp === undefined) throw new VerificationError('TIMESTAMP_MISSING', TIMESTAMP_HEADER);
    if (!TIMESTAMP.test(timestamp)) throw new VerificationError('SIGNATURE_MALFORMED', TIMESTAMP_HEADER);
    if (!received.startsWith(PREFIX) || !isEncodedDigest(received.slice(PREFIX.length), 'sha256', 'hex')) {
      throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    }
    const base = [`${VERSION}:${timestamp}:`, req.rawBody];
    if (!matchesAnySecret(secrets, 'sha256', base, 'hex', received.slice(PREFIX.length))) {
      throw new VerificationError('SIGNATURE_INVALID', HEADER);
    }
    // Checked after the signature, so only an authentic but replayed request learns it is stale.
    if (Math.abs(req.receivedAt.getTime() - Number(timestamp) * 1000) > tolerance) {
      throw new VerificationError('TIMESTAMP_OUT_OF_TOLERANCE', TIMESTAMP_HEADER);
    }
  }

  /**
   * Events API bodies carry `event.type`, others a top-level `type`; interactive payloads arrive
   * form-encoded with the JSON in `payload` (already parsed by the pipeline), so `payload.type`
   * is the last resort.
   */
  function normalizeSlack(req: WebhookRequest, body: unknown): Normalized {
    return {
      eventType: bodyString(body, 'event', 'type') ?? bodyString(body, 'type') ?? bodyString(body, 'payload', 'type') ?? '',
      dedupKey: bodyString(body, 'event_id') ?? sha256Hex(req.rawBody),
    };
  }

  /** The Events API's url_verification: echo the challenge back as JSON. */
  function handshakeSlack(_req: WebhookRequest, body: unknown): HandshakeReply | undefined {
    if (bodyString(body, 'type') !== 'url_verification') return undefined;
    const challenge = bodyString(body, 'challenge') ?? '';
    return { status: 200, contentType: 'application/json', body: JSON.stringify({ challenge }) };
  }

  return { type: 'slack', verify: verifySlack, normalize: normalizeSlack, handshake: handshakeSlack };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const at = input.timestamp ?? new Date();
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const digest = hmacDigest('sha256', input.secret, [`${VERSION}:${timestamp}:`, input.rawBody], 'hex');
  return { [HEADER_LC]: `${PREFIX}${digest}`, [TIMESTAMP_LC]: timestamp };
}

export const slackVerifier = defineVerifier({
  type: 'slack',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema('slack', "Slack: X-Slack-Signature v0 over 'v0:timestamp:body' with the app's signing secret.", {
    tolerance: toleranceSchema,
  }),
  docs: {
    provider: 'Slack',
    url: 'https://api.slack.com/authentication/verifying-requests-from-slack',
    scheme: "HMAC-SHA256 (hex, `v0=`) of `v0:timestamp:body` with the app's signing secret; `tolerance` (default 5m)",
    headers: ['X-Slack-Signature', 'X-Slack-Request-Timestamp'],
    eventType: 'body `event.type`, else `type`, else `payload.type`',
    dedupKey: 'body `event_id`, else sha256 of the body',
    handshake: '`url_verification` with its `challenge`',
  },
  secretHeaders: function slackSecretHeaders() {
    return [HEADER_LC];
  },
  timestamp: { location: TIMESTAMP_HEADER, defaultToleranceMs: DEFAULTS.toleranceMs },
  example: {
    options: { type: 'slack', secrets: ['SLACK-current-77cc', 'SLACK-previous-44dd'], tolerance: '5m' },
    malformedSignature: 'v1=0123',
  },
  create,
  sign,
});
