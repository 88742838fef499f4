/**
 * Sentry integration platform: `Sentry-Hook-Signature` = hex HMAC-SHA256 of the body with the
 * integration's client secret.
 * https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
 */
import { randomUUID } from 'node:crypto';
import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, firstSegment, header, joinEventType } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'Sentry-Hook-Signature';
const HEADER_LC = 'sentry-hook-signature';

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);

  async function verifySentry(req: WebhookRequest): Promise<void> {
    const received = header(req, HEADER_LC);
    if (received === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    if (!isEncodedDigest(received, 'sha256', 'hex')) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    if (!matchesAnySecret(secrets, 'sha256', [req.rawBody], 'hex', received)) {
      throw new VerificationError('SIGNATURE_INVALID', HEADER);
    }
  }

  function normalizeSentry(req: WebhookRequest, body: unknown): Normalized {
    return {
      eventType: joinEventType(header(req, 'sentry-hook-resource'), bodyString(body, 'action')),
      dedupKey: header(req, 'request-id') ?? sha256Hex(req.rawBody),
    };
  }

  return { type: 'sentry', verify: verifySentry, normalize: normalizeSentry };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const at = input.timestamp ?? new Date();
  const headers: Record<string, string> = {
    [HEADER_LC]: hmacDigest('sha256', input.secret, [input.rawBody], 'hex'),
    'sentry-hook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'request-id': input.deliveryId ?? randomUUID(),
  };
  if (input.eventType !== undefined && input.eventType !== '') {
    headers['sentry-hook-resource'] = firstSegment(input.eventType);
  }
  return headers;
}

export const sentryVerifier = defineVerifier({
  type: 'sentry',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema(
    'sentry',
    "Sentry integration platform: Sentry-Hook-Signature, HMAC-SHA256 (hex) with the integration's client secret.",
    {},
  ),
  docs: {
    provider: 'Sentry',
    url: 'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/',
    scheme: "HMAC-SHA256 (hex) of the body with the integration's client secret",
    headers: ['Sentry-Hook-Signature', 'Sentry-Hook-Resource', 'Request-ID'],
    eventType: '`Sentry-Hook-Resource` + `.` + body `action` (`issue.created`); 400 without the header',
    dedupKey: '`Request-ID`',
  },
  secretHeaders: function sentrySecretHeaders() {
    return [HEADER_LC];
  },
  eventTypeHeader: 'Sentry-Hook-Resource',
  example: {
    options: { type: 'sentry', secrets: ['SENTRY-current-88aa', 'SENTRY-previous-33bb'] },
    malformedSignature: 'not-a-hex-digest',
  },
  create,
  sign,
});
