/**
 * `hookgate test` never sees real secrets (CI has none): every provider is compiled with a fresh
 * random credential from its verifier type (registry.ts throwawayFor: a random `whsec_<base64>`
 * secret unless the type makes its own, such as a key pair), and each case is signed with it.
 */
import { randomSecret, throwawayFor } from '../providers/registry.ts';
import type { VerifyOptionsBase } from '../providers/types.ts';

export { randomSecret };

export interface ThrowawaySecrets {
  /** For compileConfig's `secretOverride`: the verify block with `secret` replaced. */
  readonly override: (providerName: string, verify: VerifyOptionsBase) => VerifyOptionsBase;
  /** The secret a provider was given; undefined for a type without one (`none`). */
  secretOf(providerName: string): string | undefined;
  /**
   * A credential of the same kind that the provider does not accept, for `signature: invalid`
   * (a second throwaway: a key pair's private key for public-key types, a random secret otherwise).
   */
  wrongSecretOf(providerName: string): string;
  /** A random secret unknown to every provider. */
  readonly wrongSecret: string;
}

export function throwawaySecrets(): ThrowawaySecrets {
  const secrets = new Map<string, string>();
  const wrong = new Map<string, string>();
  const wrongSecret = randomSecret();

  function override(providerName: string, verify: VerifyOptionsBase): VerifyOptionsBase {
    if (verify.type === 'none') return verify;
    const credential = throwawayFor(verify);
    secrets.set(providerName, credential.signingSecret);
    wrong.set(providerName, throwawayFor(verify).signingSecret);
    return credential.options;
  }

  function secretOf(providerName: string): string | undefined {
    return secrets.get(providerName);
  }

  function wrongSecretOf(providerName: string): string {
    return wrong.get(providerName) ?? wrongSecret;
  }

  return { override, secretOf, wrongSecretOf, wrongSecret };
}
