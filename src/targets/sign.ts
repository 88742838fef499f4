/**
 * `sign:` on a target: each request the router sends carries the signature a provider of that
 * verifier type would send (`standard-webhooks` by default in the docs, any type whose signature
 * is headers only), so the receiving service can check that the request came from its router
 * with an off-the-shelf library. Signed per attempt: the time in the signature is the time of
 * sending, so a receiver's tolerance holds on a retry hours later; the message id is the
 * delivery's Idempotency-Key, the same on every attempt.
 */
import { SetupError } from '../errors.ts';
import { requireVerifierType, signFor } from '../providers/registry.ts';
import { resolveSecrets } from '../providers/secrets.ts';
import type { VerifierType, VerifyOptionsBase } from '../providers/types.ts';

/** Whether a verifier type's signer can sign an outgoing request: a secret, headers only. */
export function canSignOutgoing(verifierType: VerifierType): boolean {
  return verifierType.kind !== 'none' && verifierType.signRequest === undefined && verifierType.throwawayKeys === undefined;
}

/** Headers that sign one request body for one delivery at one moment. */
export type OutgoingSigner = (body: Buffer, messageId: string, at: Date) => Promise<Record<string, string>>;

/**
 * The signer a target's `sign:` block describes. A type whose signature is more than headers
 * (it rewrites the body or the URL) or that signs with a private key cannot sign outgoing
 * requests: refused with a SetupError naming the field.
 */
export function outgoingSigner(block: VerifyOptionsBase, field = 'sign'): OutgoingSigner {
  const verifierType = requireVerifierType(block.type);
  if (verifierType.kind === 'none') throw new SetupError(`${field}.type: "none" signs nothing; leave sign: out instead`);
  if (!canSignOutgoing(verifierType)) {
    throw new SetupError(
      `${field}.type: ${block.type} cannot sign outgoing requests (its signature is more than headers, or needs a private key)`,
    );
  }
  // The first secret signs; a list is accepted so a rotation can be staged on the receiver first.
  const secret = resolveSecrets(block)[0]!;
  // Built once now, so a malformed block fails at load, not on the first delivery.
  verifierType.create(block);
  return function signOutgoing(body, messageId, at) {
    return signFor(block, { rawBody: body, secret, timestamp: at, deliveryId: messageId });
  };
}
