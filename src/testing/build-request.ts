/**
 * Turns a test case into the request its provider would send: the payload's exact bytes, signed
 * with the throwaway secret by the provider type's own signer, then broken in exactly one way
 * when the case asks (`signature: invalid | missing | stale`).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { VerificationError } from '../errors.ts';
import { requireVerifierType, secretHeadersFor, signRequestFor } from '../providers/registry.ts';
import type { SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from '../providers/types.ts';
import { CaseError } from './case-error.ts';
import type { TestCase } from './types.ts';

/** How far back `signature: stale` dates the request: well outside any default tolerance. */
export const STALE_BY_MS = 3_600_000;

export interface BuildRequestInput {
  readonly testCase: TestCase;
  readonly providerName: string;
  /** The provider's verify options as compiled (with the throwaway secret). */
  readonly options: VerifyOptionsBase;
  readonly verifier: Verifier;
  /** The throwaway secret; undefined for a type without one. */
  readonly secret: string | undefined;
  readonly wrongSecret: string;
  readonly rawBody: Buffer;
  readonly receivedAt: Date;
}

export async function buildRequest(input: BuildRequestInput): Promise<WebhookRequest> {
  const { testCase, providerName, options, receivedAt } = input;
  const mode = testCase.signature;
  if (input.secret === undefined && mode !== 'valid') {
    throw new CaseError(`signature: ${mode} needs a verifier with a secret; provider "${providerName}" has type ${options.type}`);
  }
  const eventType = eventTypeOf(testCase);
  const signedAt = mode === 'stale' ? new Date(receivedAt.getTime() - STALE_BY_MS) : receivedAt;
  // Schemes that sign a time carried in the body (Linear) get the signing time written in.
  const rawBody = requireVerifierType(options.type).timestamp?.stampBody?.(input.rawBody, signedAt) ?? input.rawBody;
  const sign: SignInput = {
    rawBody,
    secret: mode === 'invalid' ? input.wrongSecret : (input.secret ?? ''),
    timestamp: signedAt,
    deliveryId: stableDeliveryId(providerName, input.rawBody),
    ...(eventType !== undefined ? { eventType } : {}),
  };
  let signed = await signRequestFor(options, sign);
  let generated = lowerKeys(signed.headers);
  const givenId = givenDeliveryId(generated, sign.deliveryId!, testCase.headers);
  // A case that names the delivery id (to provoke a duplicate, say) is signed with it, since some
  // schemes (Standard Webhooks) sign the id too.
  if (givenId !== undefined) {
    signed = await signRequestFor(options, { ...sign, deliveryId: givenId });
    generated = lowerKeys(signed.headers);
  }
  const secretHeaders = secretHeadersFor(options);
  if (mode === 'missing') {
    for (const name of secretHeaders) delete generated[name.toLowerCase()];
  }
  // A scheme that signs inside the body (Mailgun) has no header to drop: its unsigned request is
  // the payload as given, without the fields its signer wrote in.
  if (mode === 'missing' && secretHeaders.length === 0) signed = { ...signed, rawBody };
  // Schemes that sign the URL (Twilio's bodySHA256) add to the query; the case's own query wins.
  const query = { ...signed.query, ...testCase.query };
  const search = new URLSearchParams(query).toString();
  const req: WebhookRequest = {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...generated, ...testCase.headers },
    query,
    url: `/webhooks/${providerName}${search === '' ? '' : `?${search}`}`,
    rawBody: signed.rawBody,
    receivedAt,
  };
  if (mode === 'stale') await assertStaleIsRefused(input.verifier, req, providerName, options.type);
  return req;
}

/** `event:`, else the payload file's base name (`pull_request.opened.json` → `pull_request.opened`). */
export function eventTypeOf(testCase: TestCase): string | undefined {
  if (testCase.event !== undefined) return testCase.event;
  if (testCase.payload === undefined) return undefined;
  return path.basename(testCase.payload).replace(/\.json$/i, '');
}

/**
 * The same payload to the same provider gets the same delivery id, so a payload repeated in one
 * test file is a duplicate for every provider, as a provider's redelivery would be.
 */
export function stableDeliveryId(providerName: string, rawBody: Buffer): string {
  const hex = createHash('sha256').update(providerName).update('\0').update(rawBody).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The case's own value for the header that carries the delivery id, if it gives one. */
function givenDeliveryId(
  generated: Readonly<Record<string, string>>,
  deliveryId: string,
  given: Readonly<Record<string, string>>,
): string | undefined {
  for (const [name, value] of Object.entries(generated)) {
    if (value === deliveryId && given[name] !== undefined) return given[name];
  }
  return undefined;
}

/** A stale request only tests something when the type signs and checks a timestamp. */
async function assertStaleIsRefused(verifier: Verifier, req: WebhookRequest, providerName: string, type: string): Promise<void> {
  try {
    await verifier.verify(req);
  } catch (error) {
    if (error instanceof VerificationError) return;
    throw error;
  }
  throw new CaseError(`signature: stale cannot be tested: provider "${providerName}" (type ${type}) does not check a signed timestamp`);
}

function lowerKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
