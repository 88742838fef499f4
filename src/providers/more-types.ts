/**
 * The provider-specific verifier types beyond the first ten, in the order the README lists them.
 * registry.ts adds these to its list.
 */
import { pagerdutyVerifier } from './pagerduty.ts';
import type { VerifierType } from './types.ts';

export const MORE_VERIFIER_TYPES: readonly VerifierType[] = [pagerdutyVerifier];
