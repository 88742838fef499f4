/**
 * The provider-specific verifier types beyond the first ten, in the order the README lists them.
 * registry.ts adds these to its list.
 */
import { calendlyVerifier } from './calendly.ts';
import { discordVerifier } from './discord.ts';
import { grafanaVerifier } from './grafana.ts';
import { hubspotVerifier } from './hubspot.ts';
import { mailgunVerifier } from './mailgun.ts';
import { netlifyVerifier } from './netlify.ts';
import { paddleVerifier } from './paddle.ts';
import { pagerdutyVerifier } from './pagerduty.ts';
import { sendgridVerifier } from './sendgrid.ts';
import { squareVerifier } from './square.ts';
import { twilioVerifier } from './twilio.ts';
import { twitchVerifier } from './twitch.ts';
import type { VerifierType } from './types.ts';
import { zendeskVerifier } from './zendesk.ts';

export const MORE_VERIFIER_TYPES: readonly VerifierType[] = [
  pagerdutyVerifier,
  twilioVerifier,
  sendgridVerifier,
  mailgunVerifier,
  paddleVerifier,
  zendeskVerifier,
  squareVerifier,
  hubspotVerifier,
  discordVerifier,
  twitchVerifier,
  calendlyVerifier,
  grafanaVerifier,
  netlifyVerifier,
];
