/**
 * HubSpot, signature v3: `X-HubSpot-Signature-v3` is the base64 HMAC-SHA256, keyed with the app's
 * client secret, of method + URI + body + `X-HubSpot-Request-Timestamp` (milliseconds). The URI is
 * the full public URL with its query, in which HubSpot decodes a fixed set of percent-escapes
 * first. HubSpot asks receivers to refuse timestamps older than 5 minutes.
 * https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests
 */

import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { requiredString, toleranceMs } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { header } from './request-fields.ts';
import { asRecord, assertFresh, publicUrl, stripQuery, toleranceSchema, URL_SCHEMA } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'X-HubSpot-Signature-v3';
const HEADER_LC = 'x-hubspot-signature-v3';
const TIMESTAMP = 'X-HubSpot-Request-Timestamp';
const TIMESTAMP_LC = 'x-hubspot-request-timestamp';
const DEFAULT_TOLERANCE_MS = 5 * 60_000;
const MILLIS = /^\d{1,15}$/;

/** The escapes HubSpot decodes in the URI before signing; every other escape stays as sent. */
const DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function hubspotUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, function decode(sequence) {
    return DECODED[sequence.toUpperCase()] ?? sequence;
  });
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const configuredUrl = requiredString(options, 'url');
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyHubSpot(req: WebhookRequest): Promise<void> {
    const signature = header(req, HEADER_LC);
    if (signature === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    const timestamp = header(req, TIMESTAMP_LC);
    if (timestamp === undefined) throw new VerificationError('TIMESTAMP_MISSING', TIMESTAMP);
    if (!MILLIS.test(timestamp)) throw new VerificationError('SIGNATURE_MALFORMED', TIMESTAMP);
    if (!isEncodedDigest(signature, 'sha256', 'base64')) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    const uri = hubspotUri(publicUrl(configuredUrl, req));
    if (!matchesAnySecret(secrets, 'sha256', [req.method.toUpperCase(), uri, req.rawBody, timestamp], 'base64', signature)) {
      throw new VerificationError('SIGNATURE_INVALID', HEADER);
    }
    assertFresh(req.receivedAt, Number(timestamp), tolerance, TIMESTAMP);
  }

  /**
   * HubSpot batches up to 100 events in one array. A batch of one type is that type; its dedup key
   * is the event id when it holds one event, else the body hash (a redelivered batch is identical).
   */
  function normalizeHubSpot(req: WebhookRequest, body: unknown): Normalized {
    const events = (Array.isArray(body) ? body : [body]).map(asRecord).filter((event) => event !== undefined);
    const types = new Set(events.map((event) => (typeof event.subscriptionType === 'string' ? event.subscriptionType : '')));
    const first = events[0];
    const eventId =
      events.length === 1 && first !== undefined && ['string', 'number'].includes(typeof first.eventId) ? String(first.eventId) : undefined;
    return { eventType: types.size === 1 ? [...types][0]! : types.size === 0 ? '' : 'batch', dedupKey: eventId ?? sha256Hex(req.rawBody) };
  }

  return { type: 'hubspot', verify: verifyHubSpot, normalize: normalizeHubSpot };
}

async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const uri = hubspotUri(stripQuery(requiredString(options, 'url')));
  const timestamp = String((input.timestamp ?? new Date()).getTime());
  return {
    [HEADER_LC]: hmacDigest('sha256', input.secret, ['POST', uri, input.rawBody, timestamp], 'base64'),
    [TIMESTAMP_LC]: timestamp,
  };
}

export const hubspotVerifier = defineVerifier({
  type: 'hubspot',
  kind: 'signature',
  timestamp: { location: TIMESTAMP, defaultToleranceMs: DEFAULT_TOLERANCE_MS },
  example: {
    options: {
      type: 'hubspot',
      url: 'https://hooks.example.com/webhooks/hubspot',
      secrets: ['HUBSPOT-current-6c3a', 'HUBSPOT-previous-9d2b'],
    },
    malformedSignature: 'not base64!',
  },
  description: 'HubSpot v3: X-HubSpot-Signature-v3, base64 HMAC-SHA256 of method + URI + body + timestamp with the app client secret.',
  docs: {
    provider: 'HubSpot',
    url: 'https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests',
    scheme: 'HMAC-SHA256 (base64) of method + public URI (`url` + query) + body + timestamp (ms); tolerance 5m by default',
    headers: [HEADER, TIMESTAMP],
    eventType: 'body `[].subscriptionType` (`contact.creation`; `batch` when a batch mixes types)',
    dedupKey: 'body `[0].eventId` for a single event, else sha256 of the raw body',
  },
  optionsSchema: verifyOptionsSchema(
    'hubspot',
    'HubSpot webhooks, signature v3: X-HubSpot-Signature-v3 with the app client secret; `url` is the target URL set in the app.',
    { url: URL_SCHEMA, tolerance: toleranceSchema('5m') },
    ['url'],
  ),
  secretHeaders: function hubspotSecretHeaders() {
    return [HEADER_LC, 'x-hubspot-signature'];
  },
  create,
  sign,
});
