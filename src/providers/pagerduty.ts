/**
 * PagerDuty v3 webhooks: `X-PagerDuty-Signature: v1=<hex>,v1=<hex>`, each an HMAC-SHA256 of the
 * raw body. While a subscription's secret is being rotated PagerDuty sends one `v1=` per secret,
 * so any one of them matching any configured secret is enough.
 * https://developer.pagerduty.com/docs/webhooks-overview#verifying-signatures
 */

import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, isEncodedDigest, matchesAnySecret, sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { signatureItems } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'X-PagerDuty-Signature';
const HEADER_LC = 'x-pagerduty-signature';

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);

  async function verifyPagerDuty(req: WebhookRequest): Promise<void> {
    const value = header(req, HEADER_LC);
    if (value === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    const signatures = (signatureItems(value, ',').get('v1') ?? []).filter(function wellFormed(candidate) {
      return isEncodedDigest(candidate, 'sha256', 'hex');
    });
    if (signatures.length === 0) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    let matched = false;
    for (const signature of signatures) matched = matchesAnySecret(secrets, 'sha256', [req.rawBody], 'hex', signature) || matched;
    if (!matched) throw new VerificationError('SIGNATURE_INVALID', HEADER);
  }

  function normalizePagerDuty(req: WebhookRequest, body: unknown): Normalized {
    return {
      eventType: bodyString(body, 'event', 'event_type') ?? '',
      dedupKey: bodyString(body, 'event', 'id') ?? sha256Hex(req.rawBody),
    };
  }

  return { type: 'pagerduty', verify: verifyPagerDuty, normalize: normalizePagerDuty };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  return { [HEADER_LC]: `v1=${hmacDigest('sha256', input.secret, [input.rawBody], 'hex')}` };
}

export const pagerdutyVerifier = defineVerifier({
  type: 'pagerduty',
  kind: 'signature',
  example: {
    options: { type: 'pagerduty', secrets: ['PAGERDUTY-current-7d1e', 'PAGERDUTY-previous-2b9a'] },
    malformedSignature: 'v2=0123',
  },
  description: 'PagerDuty v3 webhooks: X-PagerDuty-Signature, a comma list of v1= HMAC-SHA256 (hex) of the body.',
  docs: {
    provider: 'PagerDuty',
    url: 'https://developer.pagerduty.com/docs/webhooks-overview#verifying-signatures',
    scheme: 'HMAC-SHA256 (hex) of the body; a comma list of v1= signatures, any one may match (secret rotation)',
    headers: [HEADER],
    eventType: 'body `event.event_type` (`incident.triggered`)',
    dedupKey: 'body `event.id`',
  },
  optionsSchema: verifyOptionsSchema(
    'pagerduty',
    'PagerDuty v3 webhooks: X-PagerDuty-Signature (v1=<hex HMAC-SHA256>, comma list) with the subscription secret.',
    {},
  ),
  secretHeaders: function pagerdutySecretHeaders() {
    return [HEADER_LC];
  },
  create,
  sign,
});
