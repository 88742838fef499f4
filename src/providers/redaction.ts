/**
 * Which request headers are credentials. Derived from the registry: every type names its own
 * signature and token headers, and three carry credentials whatever the provider. Such headers
 * are left out of `$headers`, of stored events and of logs.
 */
import { secretHeadersFor, verifierTypes } from './registry.ts';
import type { VerifyOptionsBase } from './types.ts';

/** Credentials in any request, whatever the provider. */
export const ALWAYS_SECRET_HEADERS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

/** The lower-case header names that are credentials for a provider with this verify block. */
export function secretHeaderSet(options: VerifyOptionsBase): ReadonlySet<string> {
  return new Set([...ALWAYS_SECRET_HEADERS, ...secretHeadersFor(options).map((name) => name.toLowerCase())]);
}

/**
 * Every header any registered type treats as a credential, as its example block configures it
 * (types with a configurable header, hmac and token, are covered per provider by secretHeaderSet).
 * The logger redacts these by name as a second line of defence.
 */
export function knownSecretHeaders(): readonly string[] {
  const names = new Set(ALWAYS_SECRET_HEADERS);
  for (const verifierType of verifierTypes.values()) {
    for (const name of verifierType.secretHeaders(verifierType.example.options)) names.add(name.toLowerCase());
  }
  return [...names].sort();
}

/** A copy of the headers without the credentials named in `secret`. */
export function withoutSecretHeaders(headers: Readonly<Record<string, string>>, secret: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!secret.has(name)) out[name] = value;
  return out;
}
