/**
 * GitLab webhooks: the secret token is sent as is in `X-Gitlab-Token` (GitLab signs nothing), so
 * this is a `token` check with GitLab's header, event type and delivery id.
 * https://docs.gitlab.com/user/project/integrations/webhooks/#create-a-webhook
 */

import { defineVerifier } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { headerValue, preset, withDefaults } from './preset-kit.ts';
import { bodyString, joinEventType } from './request-fields.ts';

import { tokenVerifier } from './token.ts';

const HEADER = 'X-Gitlab-Token';

/** The `X-Gitlab-Event` header GitLab sends for each object kind. */
const EVENT_HEADERS: Readonly<Record<string, string>> = {
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  issue: 'Issue Hook',
  note: 'Note Hook',
  merge_request: 'Merge Request Hook',
  wiki_page: 'Wiki Page Hook',
  pipeline: 'Pipeline Hook',
  build: 'Job Hook',
  deployment: 'Deployment Hook',
  release: 'Release Hook',
};

export const gitlabVerifier = defineVerifier(
  preset({
    type: 'gitlab',
    example: { options: { type: 'gitlab', secrets: ['GITLAB-token-current-1c', 'GITLAB-token-previous-2d'] } },
    description: 'GitLab webhooks: the secret token in X-Gitlab-Token, compared in constant time (GitLab signs nothing).',
    docs: {
      provider: 'GitLab',
      url: 'https://docs.gitlab.com/user/project/integrations/webhooks/',
      scheme: 'no signature: the secret token sent as is in a header, compared in constant time',
      headers: [HEADER],
      eventType: 'body `object_kind` + `.` + `object_attributes.action` when present (`merge_request.open`)',
      dedupKey: '`Idempotency-Key`, else `X-Gitlab-Event-UUID`',
    },
    optionsSchema: verifyOptionsSchema('gitlab', 'GitLab webhooks: the secret token in X-Gitlab-Token (token check).', {
      header: { type: 'string', minLength: 1, description: `Header carrying the token (default ${HEADER}).` },
      prefix: { type: 'string', description: 'Text before the token in the header (default none).' },
    }),
    base: tokenVerifier,
    baseOptions: (options) => withDefaults(options, { header: HEADER }),
    normalize: function normalizeGitlab(req, body) {
      return {
        eventType: joinEventType(bodyString(body, 'object_kind'), bodyString(body, 'object_attributes', 'action')),
        dedupKey: headerValue(req, 'idempotency-key') ?? headerValue(req, 'x-gitlab-event-uuid') ?? sha256Hex(req.rawBody),
      };
    },
    signHeaders: function gitlabHeaders(signed, input) {
      const kind = (input.eventType ?? '').split('.')[0] ?? '';
      return {
        ...signed,
        'x-gitlab-event': EVENT_HEADERS[kind] ?? 'System Hook',
        ...(input.deliveryId !== undefined ? { 'x-gitlab-event-uuid': input.deliveryId, 'idempotency-key': input.deliveryId } : {}),
      };
    },
  }),
);
