/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex hmac of the body>`, checked with
 * @octokit/webhooks-methods. https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 *
 * Limitation: octokit's verify() takes the payload as a string, so the raw bytes are decoded as
 * UTF-8 first. GitHub sends UTF-8 JSON (or ASCII form bodies), and a body that is not valid UTF-8
 * is refused up front (see utf8-body.ts), so the decode is exact for every genuine delivery.
 */
import { randomUUID } from 'node:crypto';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { VerificationError } from '../errors.ts';
import { defineVerifier } from './define.ts';
import { githubCatalog } from './github-catalog.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { bodyString, firstSegment, header, joinEventType } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { Normalized, SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';
import { assertUtf8Body } from './utf8-body.ts';

const HEADER = 'X-Hub-Signature-256';
const HEADER_LC = 'x-hub-signature-256';
const SHAPE = /^sha256=[0-9a-fA-F]{64}$/;

/** octokit throws a TypeError on an empty payload; GitHub never signs one, so it simply fails. */
async function octokitMatches(secret: string, payload: string, signature: string): Promise<boolean> {
  if (payload === '') return false;
  return octokitVerify(secret, payload, signature);
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);

  async function verifyGithub(req: WebhookRequest): Promise<void> {
    const received = header(req, HEADER_LC);
    if (received === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    if (!SHAPE.test(received)) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    assertUtf8Body(req.rawBody, HEADER);
    const payload = req.rawBody.toString('utf8');
    // octokit compares the whole `sha256=<hex>` text; GitHub sends lower-case hex.
    const signature = received.toLowerCase();
    for (const secret of secrets) {
      if (await octokitMatches(secret, payload, signature)) return;
    }
    throw new VerificationError('SIGNATURE_INVALID', HEADER);
  }

  function normalizeGithub(req: WebhookRequest, body: unknown): Normalized {
    return {
      eventType: joinEventType(header(req, 'x-github-event'), bodyString(body, 'action')),
      dedupKey: header(req, 'x-github-delivery') ?? sha256Hex(req.rawBody),
    };
  }

  return { type: 'github', verify: verifyGithub, normalize: normalizeGithub };
}

async function sign(_options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    [HEADER_LC]: await octokitSign(input.secret, input.rawBody.toString('utf8')),
    'x-github-delivery': input.deliveryId ?? randomUUID(),
  };
  if (input.eventType !== undefined && input.eventType !== '') {
    headers['x-github-event'] = firstSegment(input.eventType);
  }
  return headers;
}

export const githubVerifier = defineVerifier({
  type: 'github',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema('github', 'GitHub: X-Hub-Signature-256 checked with @octokit/webhooks-methods.', {}),
  docs: {
    provider: 'GitHub',
    url: 'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
    scheme: 'HMAC-SHA256 (hex, `sha256=`) of the body, checked with @octokit/webhooks-methods',
    headers: ['X-Hub-Signature-256', 'X-GitHub-Event', 'X-GitHub-Delivery'],
    eventType: '`X-GitHub-Event` + `.` + body `action` when present (`pull_request.opened`); 400 without the header',
    dedupKey: '`X-GitHub-Delivery`',
  },
  secretHeaders: function githubSecretHeaders() {
    return [HEADER_LC, 'x-hub-signature'];
  },
  eventTypeHeader: 'X-GitHub-Event',
  example: {
    options: { type: 'github', secrets: ['GITHUB-current-5b1d', 'GITHUB-previous-a0e4'] },
    malformedSignature: 'sha1=0123456789abcdef0123456789abcdef01234567',
  },
  catalog: githubCatalog,
  create,
  sign,
});
