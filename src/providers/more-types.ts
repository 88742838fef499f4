/**
 * The provider-specific verifier types beyond the first ten, in the order the README lists them.
 * registry.ts adds these to its list.
 */
import { calendlyVerifier } from './calendly.ts';
import { grafanaVerifier } from './grafana.ts';
import { hubspotVerifier } from './hubspot.ts';
import { paddleVerifier } from './paddle.ts';
import { pagerdutyVerifier } from './pagerduty.ts';
import { squareVerifier } from './square.ts';
import { twilioVerifier } from './twilio.ts';
import { twitchVerifier } from './twitch.ts';
import type { VerifierType } from './types.ts';
import { zendeskVerifier } from './zendesk.ts';

export const MORE_VERIFIER_TYPES: readonly VerifierType[] = [
  pagerdutyVerifier,
  twilioVerifier,
  paddleVerifier,
  zendeskVerifier,
  squareVerifier,
  hubspotVerifier,
  twitchVerifier,
  calendlyVerifier,
  grafanaVerifier,
];
