/**
 * Grafana Alerting's webhook contact point with an HMAC signature and a timestamp header: the
 * signature header (default `X-Grafana-Alerting-Signature`) holds the hex HMAC-SHA256 of
 * `timestamp:body`, the timestamp (Unix seconds) in a header whose name the contact point sets;
 * this type expects the name Grafana's provisioning docs use unless `timestampHeader` says
 * otherwise. Without a timestamp header Grafana signs the body alone: use `hmac` for that.
 * https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
 */

import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { optionalString, toleranceMs } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { assertFresh, toleranceSchema, unixSecondsMs } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const DEFAULT_HEADER = 'X-Grafana-Alerting-Signature';
const DEFAULT_TIMESTAMP_HEADER = 'X-Grafana-Alerting-Signature-Timestamp';
const DEFAULT_TOLERANCE_MS = 5 * 60_000;

function headersOf(options: VerifyOptionsBase): { signature: string; timestamp: string } {
  return {
    signature: optionalString(options, 'header') ?? DEFAULT_HEADER,
    timestamp: optionalString(options, 'timestampHeader') ?? DEFAULT_TIMESTAMP_HEADER,
  };
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);
  const names = headersOf(options);

  async function verifyGrafana(req: WebhookRequest): Promise<void> {
    const signature = header(req, names.signature.toLowerCase());
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', names.signature);
    const timestamp = header(req, names.timestamp.toLowerCase());
    if (timestamp === undefined) throw new VerificationError('TIMESTAMP_MISSING', names.timestamp);
    const signedAtMs = unixSecondsMs(timestamp);
    if (signedAtMs === undefined) throw new VerificationError('SIGNATURE_MALFORMED', names.timestamp);
    if (!isEncodedDigest(signature, 'sha256', 'hex')) throw new VerificationError('SIGNATURE_MALFORMED', names.signature);
    if (!matchesAnySecret(secrets, 'sha256', [`${timestamp}:`, req.rawBody], 'hex', signature)) {
      throw new VerificationError('SIGNATURE_INVALID', names.signature);
    }
    assertFresh(req.receivedAt, signedAtMs, tolerance, names.timestamp);
  }

  /** Alertmanager-shaped body: `status` is firing or resolved; one notification has no id of its own. */
  function normalizeGrafana(req: WebhookRequest, body: unknown): Normalized {
    return { eventType: bodyString(body, 'status') ?? '', dedupKey: sha256Hex(req.rawBody) };
  }

  return { type: 'grafana', verify: verifyGrafana, normalize: normalizeGrafana };
}

async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const names = headersOf(options);
  const timestamp = String(Math.floor((input.timestamp ?? new Date()).getTime() / 1000));
  return {
    [names.signature.toLowerCase()]: hmacDigest('sha256', input.secret, [`${timestamp}:`, input.rawBody], 'hex'),
    [names.timestamp.toLowerCase()]: timestamp,
  };
}

export const grafanaVerifier = defineVerifier({
  type: 'grafana',
  kind: 'signature',
  timestamp: { location: DEFAULT_TIMESTAMP_HEADER, defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: {
    options: { type: 'grafana', secrets: ['GRAFANA-current-4b1c', 'GRAFANA-previous-7f0e'] },
    malformedSignature: 'sha256=0123',
  },
  description: 'Grafana Alerting webhook contact point with HMAC signature and timestamp header: hex HMAC-SHA256 of "timestamp:body".',
  docs: {
    provider: 'Grafana Alerting',
    url: 'https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/',
    scheme: 'HMAC-SHA256 (hex) of `timestamp:body` (Unix seconds); tolerance 5m by default',
    headers: [DEFAULT_HEADER, DEFAULT_TIMESTAMP_HEADER],
    eventType: 'body `status` (`firing`, `resolved`)',
    dedupKey: 'sha256 of the raw body',
  },
  optionsSchema: verifyOptionsSchema(
    'grafana',
    'Grafana Alerting webhook with HMAC signature: hex HMAC-SHA256 of "timestamp:body" with the contact point secret.',
    {
      header: { type: 'string', minLength: 1, description: `Signature header set on the contact point (default ${DEFAULT_HEADER}).` },
      timestampHeader: {
        type: 'string',
        minLength: 1,
        description: `Timestamp header set on the contact point (default ${DEFAULT_TIMESTAMP_HEADER}).`,
      },
      tolerance: toleranceSchema('5m'),
    },
  ),
  secretHeaders: function grafanaSecretHeaders(options) {
    return [headersOf(options).signature.toLowerCase()];
  },
  create,
  sign,
});
