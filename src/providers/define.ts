/**
 * The one way a verifier type describes itself. Everything else that depends on the list of
 * types (the JSON schema, the README's provider table, redaction, `send`, `test`, the shared
 * contract tests) reads these descriptors from registry.ts instead of keeping its own list.
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

export function defineVerifier<Options extends VerifyOptionsBase = VerifyOptionsBase>(
  descriptor: VerifierType<Options>,
): VerifierType<Options> {
  return descriptor;
}
