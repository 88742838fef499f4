/**
 * The one way a verifier type describes itself. Everything else that depends on the list of
 * types reads these descriptors from registry.ts instead of keeping its own list: the `verify`
 * part of the JSON schema, the README's provider table, redaction (logs, stored headers,
 * `$headers`), `hookgate send` and `hookgate test`, and the shared contract tests.
 *
 * Adding a provider is one file here plus its test (plus samples/<type>/):
 *
 *     export const linearVerifier = defineVerifier({
 *       type: 'linear',                     // the `verify.type` value; also samples/<type>/
 *       kind: 'signature',                  // 'signature' | 'credential' | 'none' (below)
 *       optionsSchema: verifyOptionsSchema('linear', 'One line for editors.', { tolerance }),
 *       docs: { provider, url, scheme, headers, eventType, dedupKey, handshake? },
 *       secretHeaders: () => ['linear-signature'],   // lower case; the first carries the signature
 *       eventTypeHeader: undefined,         // e.g. 'X-GitHub-Event' when the type comes from a header
 *       timestamp: { location, defaultToleranceMs, stampBody? },   // when a signed time is checked
 *       example: { options, signingSecrets?, malformedSignature? },
 *       create(options) { return { type, verify, normalize, handshake? } },
 *       sign(options, input) { return headers },
 *       signRequest?(options, input),      // when the signature is more than headers (Twilio, Mailgun)
 *       throwawayKeys?(options), freshSample?(rawBody, at), catalog?,
 *     });
 *
 * Required: type, kind, optionsSchema, docs, secretHeaders, example, create, sign; the rest as the
 * scheme needs (`description` is accepted and unused: the schema carries its own). These field
 * names are stable: other code and other types rely on them.
 *
 * The registry imports every module in this folder whose text calls defineVerifier( and
 * registers what it exports, so no list needs editing. A verifier module must not import
 * registry.ts, redaction.ts or readme-table.ts (the registry imports the modules while it loads;
 * the process would wait for ever). Field meanings are documented on VerifierType in types.ts.
 */
import type { VerifierType, VerifyOptionsBase } from './types.ts';

/** What the README's provider table shows for a type; every field is user-facing text. */
export interface VerifierDocs {
  /** The provider as people write it ("Stripe", "PagerDuty"), or "generic". */
  readonly provider: string;
  /** The provider's own page about verifying its webhooks. */
  readonly url?: string;
  /** The scheme in a few words: algorithm, what is signed, encoding; or that the provider signs nothing. */
  readonly scheme: string;
  /** The headers (or body fields) the scheme reads. */
  readonly headers: readonly string[];
  /** Where the normalized event type comes from. */
  readonly eventType: string;
  /** Where the dedup key comes from. */
  readonly dedupKey: string;
  /** Requests answered without routing (challenges, pings), if any. */
  readonly handshake?: string;
}

/** Marks the descriptors the registry collects when it scans this folder. */
export const VERIFIER_BRAND: unique symbol = Symbol.for('hookgate.verifier-type');

export type DefinedVerifier<Options extends VerifyOptionsBase = VerifyOptionsBase> = VerifierType<Options> & {
  readonly [VERIFIER_BRAND]: true;
};

export function defineVerifier<Options extends VerifyOptionsBase = VerifyOptionsBase>(
  descriptor: VerifierType<Options>,
): DefinedVerifier<Options> {
  return Object.freeze({ ...descriptor, [VERIFIER_BRAND]: true as const });
}

export function isDefinedVerifier(value: unknown): value is DefinedVerifier {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VERIFIER_BRAND] === true;
}
