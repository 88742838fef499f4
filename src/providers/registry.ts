/**
 * Every built-in verifier type under its name, and the lookups the rest of hookgate uses.
 *
 * The list is not written down anywhere: at load, every module of this folder whose text calls
 * defineVerifier() is imported and each descriptor it exports is registered, so adding a type is
 * adding its module. Only those modules are imported: a helper here that imports this registry
 * (redaction.ts, readme-table.ts) would otherwise wait on the registry that waits on it, and the
 * process would hang at start. For the same reason a verifier module never imports registry.ts.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SetupError } from '../errors.ts';
import { type DefinedVerifier, isDefinedVerifier } from './define.ts';
import type { SignedRequest, SignInput, ThrowawayCredential, Verifier, VerifierType, VerifyOptionsBase } from './types.ts';

const HERE = fileURLToPath(import.meta.url);
const FOLDER = path.dirname(HERE);
/** `.ts` when run from source (tsx, vitest), `.js` from dist. */
const EXTENSION = path.extname(HERE);

/** A module of this folder that defines a verifier type (define.ts itself only describes how). */
function definesVerifier(file: string): boolean {
  if (!file.endsWith(EXTENSION) || file.endsWith(`.d${EXTENSION}`) || file.includes('.test.')) return false;
  if (file === `define${EXTENSION}` || path.join(FOLDER, file) === HERE) return false;
  return readFileSync(path.join(FOLDER, file), 'utf8').includes('defineVerifier(');
}

async function discover(): Promise<readonly DefinedVerifier[]> {
  const files = readdirSync(FOLDER).filter(definesVerifier).sort();
  const found: DefinedVerifier[] = [];
  for (const file of files) {
    const module = (await import(/* @vite-ignore */ pathToFileURL(path.join(FOLDER, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) if (isDefinedVerifier(value)) found.push(value);
  }
  return found;
}

function byName(all: readonly DefinedVerifier[]): ReadonlyMap<string, VerifierType> {
  const map = new Map<string, VerifierType>();
  for (const verifierType of [...all].sort((a, b) => a.type.localeCompare(b.type))) {
    const existing = map.get(verifierType.type);
    if (existing !== undefined && existing !== verifierType) {
      throw new SetupError(`verifier type "${verifierType.type}" is defined twice in src/providers`);
    }
    map.set(verifierType.type, verifierType);
  }
  return map;
}

/** Every registered type, sorted by name. */
export const verifierTypes: ReadonlyMap<string, VerifierType> = byName(await discover());

export function getVerifierType(name: string): VerifierType | undefined {
  return verifierTypes.get(name);
}

export function verifierTypeNames(): readonly string[] {
  return [...verifierTypes.keys()];
}

export function requireVerifierType(name: string): VerifierType {
  const found = verifierTypes.get(name);
  if (found === undefined) {
    throw new SetupError(`verify.type: unknown verifier type "${name}" (one of ${verifierTypeNames().join(', ')})`);
  }
  return found;
}

export function createVerifier(options: VerifyOptionsBase): Verifier {
  return requireVerifierType(options.type).create(options);
}

export async function signFor(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  return requireVerifierType(options.type).sign(options, input);
}

/**
 * The whole request the provider would send for this body: the type's signRequest() when it
 * signs more than headers, else its sign() headers with the body as given.
 */
export async function signRequestFor(options: VerifyOptionsBase, input: SignInput): Promise<SignedRequest> {
  const verifierType = requireVerifierType(options.type);
  if (verifierType.signRequest !== undefined) return verifierType.signRequest(options, input);
  return { headers: await verifierType.sign(options, input), rawBody: input.rawBody };
}

export function secretHeadersFor(options: VerifyOptionsBase): readonly string[] {
  return requireVerifierType(options.type).secretHeaders(options);
}

/** A random secret in the one format every HMAC and token scheme here accepts (`whsec_<base64>`). */
export function randomSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * A fresh random credential for this block: the type's own throwawayKeys() when it has one, else a
 * random secret as the block's only `secret`.
 */
export function throwawayFor(options: VerifyOptionsBase): ThrowawayCredential {
  const verifierType = requireVerifierType(options.type);
  if (verifierType.throwawayKeys !== undefined) return verifierType.throwawayKeys(options);
  const signingSecret = randomSecret();
  const { secret: _secret, secrets: _secrets, ...rest } = options;
  return { options: { ...rest, type: options.type, secret: signingSecret }, signingSecret };
}
