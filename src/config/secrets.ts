/**
 * Empty secrets: `secrets` entries that expand to "" are dropped, for rotation
 * (`"${SECRET_OLD:-}"`), and a provider left with no secret is an error. Outside `serve`, a secret
 * that is empty only because its variable is missing (CI has no production secrets) is replaced by
 * a placeholder, so the config still loads and the rest of it is checked.
 */

import type { CheckContext } from './check-context.ts';
import { entries, finding, isRecord, record } from './check-context.ts';
import type { Diagnostic } from './diagnostic.ts';
import type { ConfigPath } from './yaml-source.ts';

/** Stands in for a secret whose variable is missing (validate and lenient modes only). Not a usable secret. */
export const MISSING_SECRET_PLACEHOLDER = 'hookgate-placeholder-for-a-missing-secret';

export function applySecrets(data: unknown, ctx: CheckContext, serve: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, provider] of entries(isRecord(data) ? data.providers : undefined)) {
    if (!isRecord(provider) || !isRecord(provider.verify) || provider.verify.type === 'none') continue;
    const verify = provider.verify;
    const base = ['providers', name, 'verify'];
    if (verify.secret === '') {
      if (!serve && fromMissing([...base, 'secret'])) verify.secret = MISSING_SECRET_PLACEHOLDER;
      else out.push(noSecret([...base, 'secret'], `provider \`${name}\` has no secret: \`secret\` is empty`));
    }
    if (Array.isArray(verify.secrets) && verify.secrets.every((s) => typeof s === 'string')) {
      const list = verify.secrets as string[];
      const kept = list.filter((s) => s !== '');
      const missing = list.some((s, i) => s === '' && fromMissing([...base, 'secrets', i]));
      if (kept.length > 0) verify.secrets = kept;
      else if (!serve && missing) verify.secrets = [MISSING_SECRET_PLACEHOLDER];
      else out.push(noSecret([...base, 'secrets'], `provider \`${name}\` has no secret: every entry of \`secrets\` is empty`));
    }
  }
  return out;

  function fromMissing(path: ConfigPath): boolean {
    return (record(ctx, path)?.missing.length ?? 0) > 0;
  }

  function noSecret(path: ConfigPath, message: string): Diagnostic {
    return finding(ctx, path, 'value', 'error', 'no-secret', message);
  }
}
