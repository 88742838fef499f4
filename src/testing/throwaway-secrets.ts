/**
 * `hookgate test` never sees real secrets (CI has none): every provider is compiled with a fresh
 * random secret, and each case is signed with it. The format `whsec_<base64>` suits every type:
 * Standard Webhooks requires it, and the others take any string.
 */
import { randomBytes } from 'node:crypto';
import type { VerifyOptionsBase } from '../providers/types.ts';

export interface ThrowawaySecrets {
  /** For compileConfig's `secretOverride`: the verify block with `secret` replaced. */
  readonly override: (providerName: string, verify: VerifyOptionsBase) => VerifyOptionsBase;
  /** The secret a provider was given; undefined for a type without one (`none`). */
  secretOf(providerName: string): string | undefined;
  /** A different secret, for `signature: invalid`. */
  readonly wrongSecret: string;
}

export function randomSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function throwawaySecrets(): ThrowawaySecrets {
  const secrets = new Map<string, string>();

  function override(providerName: string, verify: VerifyOptionsBase): VerifyOptionsBase {
    if (verify.type === 'none') return verify;
    const secret = randomSecret();
    secrets.set(providerName, secret);
    const { secret: _secret, secrets: _secrets, ...rest } = verify;
    return { ...rest, type: verify.type, secret };
  }

  function secretOf(providerName: string): string | undefined {
    return secrets.get(providerName);
  }

  return { override, secretOf, wrongSecret: randomSecret() };
}
