/**
 * A second line of defence for exported events. Stored headers already lack every credential
 * header (Authorization, Cookie, Proxy-Authorization, each verifier's signature and token
 * headers); an export also drops every header any verifier type calls a credential, and, when the
 * config is at hand, replaces every occurrence of one of its secret values (provider secrets,
 * target tokens, passwords and header values) in header values and bodies with `[redacted]`, in
 * case a sender echoed one into its payload.
 */

import { MISSING_SECRET_PLACEHOLDER } from '../config/secrets.ts';
import type { RoutesFile } from '../config/types.ts';
import { knownSecretHeaders } from '../providers/redaction.ts';

export const REDACTED = '[redacted]';

/** Shorter values (`1`, `true`) would match by chance: they are no credentials anyway. */
const MIN_SECRET_LENGTH = 8;

/** The secret values a config holds once its ${VARIABLES} are filled in. */
export function secretValues(config: RoutesFile): string[] {
  const values = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH && value !== MISSING_SECRET_PLACEHOLDER) values.add(value);
  };
  for (const provider of Object.values(config.providers)) {
    add(provider.verify.secret);
    for (const secret of provider.verify.secrets ?? []) add(secret);
  }
  for (const target of Object.values(config.targets)) {
    add(target.routine?.token);
    add(target.auth?.bearer);
    add(target.auth?.basic?.password);
    for (const value of Object.values(target.headers ?? {})) add(value);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export interface Scrubbed<T> {
  readonly value: T;
  /** How many secret values were replaced. */
  readonly replaced: number;
}

export class Scrubber {
  readonly #secrets: readonly string[];
  readonly #dropHeaders: ReadonlySet<string>;

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets;
    this.#dropHeaders = new Set(knownSecretHeaders());
  }

  headers(headers: Readonly<Record<string, string>>): Scrubbed<Record<string, string>> {
    const out: Record<string, string> = {};
    let replaced = 0;
    for (const [name, value] of Object.entries(headers)) {
      if (this.#dropHeaders.has(name.toLowerCase())) continue;
      const clean = this.text(value);
      replaced += clean.replaced;
      out[name] = clean.value;
    }
    return { value: out, replaced };
  }

  text(text: string): Scrubbed<string> {
    let value = text;
    let replaced = 0;
    for (const secret of this.#secrets) {
      if (!value.includes(secret)) continue;
      const parts = value.split(secret);
      replaced += parts.length - 1;
      value = parts.join(REDACTED);
    }
    return { value, replaced };
  }

  /** The exact bytes unless a secret occurs in them (then that occurrence alone is replaced). */
  bytes(raw: Buffer): Scrubbed<Buffer> {
    let value = raw;
    let replaced = 0;
    for (const secret of this.#secrets) {
      const needle = Buffer.from(secret, 'utf8');
      let at = value.indexOf(needle);
      if (at < 0) continue;
      const pieces: Buffer[] = [];
      let from = 0;
      while (at >= 0) {
        pieces.push(value.subarray(from, at), Buffer.from(REDACTED, 'utf8'));
        replaced++;
        from = at + needle.length;
        at = value.indexOf(needle, from);
      }
      pieces.push(value.subarray(from));
      value = Buffer.concat(pieces);
    }
    return { value, replaced };
  }
}
