/**
 * Netlify outgoing webhooks with a JWS secret token: `X-Webhook-Signature` is a JWT signed with
 * HS256 whose claims are `iss: "netlify"` and `sha256`, the hex sha256 of the raw body. The
 * token carries no time, so a replay is caught by the dedup key only.
 * https://docs.netlify.com/site-deploys/deploy-notifications/#payload-signature
 */

import { createHash } from 'node:crypto';
import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { hmacDigest, safeEqual, sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, header } from './request-fields.ts';
import { asRecord } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'X-Webhook-Signature';
const HEADER_LC = 'x-webhook-signature';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** The JSON object a base64url segment holds, or undefined. */
function segmentJson(segment: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);

  async function verifyNetlify(req: WebhookRequest): Promise<void> {
    const token = header(req, HEADER_LC);
    if (token === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    const [head, payload, signature] = parts as [string, string, string];
    // Only HS256: a token that names another algorithm (or "none") is never taken at its word.
    const jose = segmentJson(head);
    const claims = segmentJson(payload);
    if (jose?.alg !== 'HS256' || claims === undefined) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    let matched = false;
    for (const secret of secrets) {
      const expected = Buffer.from(hmacDigest('sha256', secret, [`${head}.${payload}`], 'base64'), 'base64').toString('base64url');
      matched = safeEqual(signature, expected) || matched;
    }
    if (!matched) throw new VerificationError('SIGNATURE_INVALID', HEADER);
    const bodyHash = typeof claims.sha256 === 'string' ? claims.sha256.toLowerCase() : '';
    if (claims.iss !== 'netlify' || !safeEqual(bodyHash, sha256Hex(req.rawBody))) throw new VerificationError('SIGNATURE_INVALID', HEADER);
  }

  /** Deploy notifications are the deploy object (`deploy.<state>`); form notifications a submission. */
  function normalizeNetlify(req: WebhookRequest, body: unknown): Normalized {
    const id = bodyString(body, 'id');
    if (bodyString(body, 'form_id') !== undefined) return { eventType: 'submission.created', dedupKey: id ?? sha256Hex(req.rawBody) };
    const state = bodyString(body, 'state');
    if (state === undefined) return { eventType: '', dedupKey: id ?? sha256Hex(req.rawBody) };
    return { eventType: `deploy.${state}`, dedupKey: id === undefined ? sha256Hex(req.rawBody) : `${id}:${state}` };
  }

  return { type: 'netlify', verify: verifyNetlify, normalize: normalizeNetlify };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iss: 'netlify', sha256: createHash('sha256').update(input.rawBody).digest('hex') }));
  const signature = Buffer.from(hmacDigest('sha256', input.secret, [`${head}.${payload}`], 'base64'), 'base64').toString('base64url');
  return { [HEADER_LC]: `${head}.${payload}.${signature}` };
}

export const netlifyVerifier = defineVerifier({
  type: 'netlify',
  kind: 'signature',
  example: {
    options: { type: 'netlify', secrets: ['NETLIFY-jws-current-0e5f', 'NETLIFY-jws-previous-3a8c'] },
    malformedSignature: 'a.b',
  },
  description: 'Netlify outgoing webhooks: X-Webhook-Signature, a JWS (HS256) with iss "netlify" and the sha256 of the body.',
  docs: {
    provider: 'Netlify',
    url: 'https://docs.netlify.com/site-deploys/deploy-notifications/#payload-signature',
    scheme: 'JWS HS256 with the JWS secret token; claims `iss: netlify` and `sha256` (hex) of the body; no timestamp',
    headers: [HEADER],
    eventType: '`deploy.<state>` (`deploy.ready`), or `submission.created` for form notifications',
    dedupKey: 'body `id` + `:` + `state` (deploys), body `id` (submissions)',
  },
  optionsSchema: verifyOptionsSchema(
    'netlify',
    'Netlify outgoing webhooks: X-Webhook-Signature, a JWS (HS256) signed with the JWS secret token.',
    {},
  ),
  secretHeaders: function netlifySecretHeaders() {
    return [HEADER_LC];
  },
  create,
  sign,
});
