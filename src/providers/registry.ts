/** Every built-in verifier type under its name, and the lookups the rest of hookgate uses. */
import { SetupError } from '../errors.ts';
import { basicVerifier } from './basic.ts';
import { githubVerifier } from './github.ts';
import { hmacVerifier } from './hmac.ts';
import { noneVerifier } from './none.ts';
import { sentryVerifier } from './sentry.ts';
import { shopifyVerifier } from './shopify.ts';
import { slackVerifier } from './slack.ts';
import { standardWebhooksVerifier } from './standard-webhooks.ts';
import { stripeVerifier } from './stripe.ts';
import { tokenVerifier } from './token.ts';
import type { SignInput, Verifier, VerifierType, VerifyOptionsBase } from './types.ts';

const ALL: readonly VerifierType[] = [
  stripeVerifier,
  githubVerifier,
  sentryVerifier,
  standardWebhooksVerifier,
  slackVerifier,
  shopifyVerifier,
  hmacVerifier,
  tokenVerifier,
  basicVerifier,
  noneVerifier,
];

export const verifierTypes: ReadonlyMap<string, VerifierType> = new Map(
  ALL.map(function entry(verifierType) {
    return [verifierType.type, verifierType] as const;
  }),
);

export function getVerifierType(name: string): VerifierType | undefined {
  return verifierTypes.get(name);
}

function requireType(options: VerifyOptionsBase): VerifierType {
  const found = verifierTypes.get(options.type);
  if (found === undefined) {
    throw new SetupError(`verify.type: unknown verifier type "${options.type}" (one of ${[...verifierTypes.keys()].join(', ')})`);
  }
  return found;
}

export function createVerifier(options: VerifyOptionsBase): Verifier {
  return requireType(options).create(options);
}

export async function signFor(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  return requireType(options).sign(options, input);
}

export function secretHeadersFor(options: VerifyOptionsBase): readonly string[] {
  return requireType(options).secretHeaders(options);
}
