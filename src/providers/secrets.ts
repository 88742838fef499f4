/** Resolve a verify block's `secret` / `secrets` into the rotation list a verifier checks against. */
import { SetupError } from '../errors.ts';
import type { VerifyOptionsBase } from './types.ts';

/**
 * Every non-empty secret of the block, `secret` first, then `secrets` in order. Entries that
 * expanded to "" (an unset `${OLD_SECRET:-}`) are dropped; none left is a SetupError that names
 * the fields, never a value.
 */
export function resolveSecrets(options: VerifyOptionsBase): readonly string[] {
  const found: string[] = [];
  if (typeof options.secret === 'string' && options.secret !== '') found.push(options.secret);
  if (Array.isArray(options.secrets)) {
    for (const entry of options.secrets as readonly unknown[]) {
      if (typeof entry === 'string' && entry !== '') found.push(entry);
    }
  }
  if (found.length === 0) {
    throw new SetupError(`verify: type ${options.type} needs at least one non-empty secret (verify.secret or verify.secrets)`);
  }
  return Object.freeze(found);
}
