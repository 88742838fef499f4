/**
 * The provider-specific verifier types beyond the first ten, in the order the README lists them:
 * first the schemes of their own, then the presets over the existing kinds. registry.ts adds
 * these to its list.
 */
import { alertmanagerVerifier } from './alertmanager.ts';
import { bitbucketVerifier } from './bitbucket.ts';
import { calendlyVerifier } from './calendly.ts';
import { clerkVerifier } from './clerk.ts';
import { cloudflareVerifier } from './cloudflare.ts';
import { datadogVerifier } from './datadog.ts';
import { discordVerifier } from './discord.ts';
import { gitlabVerifier } from './gitlab.ts';
import { grafanaVerifier } from './grafana.ts';
import { honeycombVerifier } from './honeycomb.ts';
import { hubspotVerifier } from './hubspot.ts';
import { incidentIoVerifier } from './incident-io.ts';
import { intercomVerifier } from './intercom.ts';
import { jiraVerifier } from './jira.ts';
import { mailgunVerifier } from './mailgun.ts';
import { netlifyVerifier } from './netlify.ts';
import { opsgenieVerifier } from './opsgenie.ts';
import { paddleVerifier } from './paddle.ts';
import { pagerdutyVerifier } from './pagerduty.ts';
import { postmarkVerifier } from './postmark.ts';
import { resendVerifier } from './resend.ts';
import { sendgridVerifier } from './sendgrid.ts';
import { squareVerifier } from './square.ts';
import { twilioVerifier } from './twilio.ts';
import { twitchVerifier } from './twitch.ts';
import { typeformVerifier } from './typeform.ts';
import type { VerifierType } from './types.ts';
import { vercelVerifier } from './vercel.ts';
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
  gitlabVerifier,
  intercomVerifier,
  bitbucketVerifier,
  typeformVerifier,
  vercelVerifier,
  clerkVerifier,
  resendVerifier,
  postmarkVerifier,
  datadogVerifier,
  honeycombVerifier,
  opsgenieVerifier,
  alertmanagerVerifier,
  incidentIoVerifier,
  jiraVerifier,
  cloudflareVerifier,
];
