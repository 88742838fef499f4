/**
 * The JSON Schema (draft 2020-12) of routes.yaml. The `verify:` options of each verifier type come
 * from that type's own module, through the verifier registry; `src/config/write-schema.ts` writes the result
 * to schemas/routes.schema.json, and a test proves the committed file is current.
 */
import { verifierTypes } from '../providers/registry.ts';
import { TARGET_KINDS } from '../targets/registry.ts';
import { canSignOutgoing } from '../targets/sign.ts';
import { DURATION_PATTERN, SIZE_PATTERN } from '../util/units.ts';

export type JsonSchema = Record<string, unknown>;

/** Provider names appear in URLs (`/webhooks/{provider}`). */
export const PROVIDER_NAME_PATTERN = '^[a-z0-9][a-z0-9_-]*$';
/** Target and route names appear in logs, metrics, CLI flags and admin queries. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]*$';
/** An HTTP header field name (RFC 9110 token). */
export const HEADER_NAME_PATTERN = "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$";
export const STORE_PATTERN = '^(sqlite:|postgres://|postgresql://)';
export { HTTP_URL_PATTERN } from '../targets/define.ts';

function duration(description: string): JsonSchema {
  return { type: 'string', pattern: DURATION_PATTERN, description: `${description} A duration: 500ms, 30s, 5m, 1h, 1d.` };
}

function positiveInteger(description: string): JsonSchema {
  return { type: 'integer', minimum: 1, description };
}

function jsonata(description: string): JsonSchema {
  return { type: 'string', minLength: 1, description: `${description} A JSONata expression.` };
}

function serverSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Inbound HTTP server settings. All optional.',
    additionalProperties: false,
    properties: {
      host: {
        type: 'string',
        minLength: 1,
        description:
          'Address to listen on (default 127.0.0.1: this machine only). 0.0.0.0 or :: for every interface. HOOKGATE_HOST and --host override it.',
      },
      port: {
        type: 'integer',
        minimum: 0,
        maximum: 65535,
        description: 'Port to listen on (default 8787). The PORT environment variable and --port override it.',
      },
      bodyLimit: {
        type: 'string',
        pattern: SIZE_PATTERN,
        description: 'Largest accepted request body (default 1mb); larger requests get 413. A size: 512kb, 1mb.',
      },
      rateLimit: {
        type: 'object',
        description: 'Inbound limit per client IP over all /webhooks/* requests (sliding window); beyond it, 429 with Retry-After.',
        additionalProperties: false,
        required: ['requests', 'per'],
        properties: {
          requests: positiveInteger('Most requests one client may send in any window of length `per`.'),
          per: duration('Window length.'),
        },
      },
      trustProxy: {
        type: ['boolean', 'integer', 'string', 'array'],
        minimum: 0,
        items: { type: 'string' },
        description:
          'Trust X-Forwarded-For for the client IP: false (default), true, a number of proxy hops, or a list of proxy addresses/CIDRs.',
      },
    },
  };
}

function verifySchema(): JsonSchema {
  const types = [...verifierTypes.keys()];
  return {
    type: 'object',
    description: `How requests from this provider are proven authentic. \`type\` is one of: ${types.join(', ')}.`,
    required: ['type'],
    properties: { type: { enum: types, description: `Verifier type: ${types.join(', ')}.` } },
    allOf: [...verifierTypes.values()].map(function dispatchOnType(verifierType) {
      return {
        if: { properties: { type: { const: verifierType.type } }, required: ['type'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
        then: verifierType.optionsSchema,
      };
    }),
  };
}

/** A target's `sign:` block: the options of a verifier type whose signer can sign what the router sends. */
function signSchema(): JsonSchema {
  const signers = [...verifierTypes.values()].filter(canSignOutgoing);
  const types = signers.map((verifierType) => verifierType.type);
  return {
    type: 'object',
    description:
      'Sign each request as a provider of this verifier type would, so the receiving service can check it came from this router, e.g. { type: standard-webhooks, secret: "${ROUTER_SIGNING_SECRET}" }. Signed at each attempt; the message id is the Idempotency-Key.',
    required: ['type'],
    properties: { type: { enum: types, description: `Signature scheme: ${types.join(', ')}.` } },
    allOf: signers.map(function dispatchOnType(verifierType) {
      return {
        if: { properties: { type: { const: verifierType.type } }, required: ['type'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
        then: verifierType.optionsSchema,
      };
    }),
  };
}

function providerSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'A provider that may post to /webhooks/{name}, and how its requests are verified and named.',
    additionalProperties: false,
    required: ['verify'],
    properties: {
      verify: verifySchema(),
      event: jsonata("The normalized event type, computed over the body (overrides the type's default)."),
      id: jsonata("The dedup key, computed over the body (`$headers` is bound); default: the type's own, else sha256 of the raw body."),
    },
  };
}

function targetSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Where mapped events go: a plain HTTP endpoint (`url`) or a Claude Code routine trigger (`routine`), exactly one.',
    additionalProperties: false,
    oneOf: TARGET_KINDS.map((kind) => ({ required: [kind.field] })),
    properties: {
      ...Object.fromEntries(TARGET_KINDS.map((kind) => [kind.field, kind.schema])),
      auth: {
        type: 'object',
        description:
          'Credentials sent to a plain HTTP target: { bearer } or { basic: { username, password } }. Not on a routine target (its token is its credential).',
        additionalProperties: false,
        oneOf: [{ required: ['bearer'] }, { required: ['basic'] }],
        properties: {
          bearer: { type: 'string', minLength: 1, description: 'Sent as Authorization: Bearer <token>. Use a ${ENV} reference.' },
          basic: {
            type: 'object',
            description: 'Sent as Authorization: Basic base64(username:password).',
            additionalProperties: false,
            required: ['username', 'password'],
            properties: {
              username: { type: 'string', description: 'The user name.' },
              password: { type: 'string', description: 'The password. Use a ${ENV} reference.' },
            },
          },
        },
      },
      headers: {
        type: 'object',
        description: 'Extra headers sent with every request to this target.',
        propertyNames: { pattern: HEADER_NAME_PATTERN },
        additionalProperties: { type: 'string', description: 'Header value.' },
      },
      timeout: duration('Time allowed for the whole request (default 30s).'),
      sign: signSchema(),
      retry: {
        type: 'object',
        description:
          'Retries with exponential backoff and jitter (default: 10 attempts, from 5s up to 2h apart, for at most 3d). A 429, or a 503 with Retry-After, spends no attempt.',
        additionalProperties: false,
        properties: {
          maxAttempts: positiveInteger('Attempts in all, the first included, before the delivery is dead-lettered (default 10).'),
          initialDelay: duration('Delay before the first retry (default 5s).'),
          maxDelay: duration(
            'Longest backoff between two attempts (default 2h); a Retry-After from the target may ask for longer, and is honoured.',
          ),
          maxAge: duration(
            'Time after the delivery was created (or replayed) when it is dead-lettered with the error `expired` if still not delivered (default 3d).',
          ),
        },
      },
      rateLimit: {
        type: 'object',
        description: 'Limits this target sees across all replicas: a sliding window of `requests` per `per`, and `concurrency` in flight.',
        additionalProperties: false,
        dependentRequired: { requests: ['per'], per: ['requests'] },
        properties: {
          requests: positiveInteger('Most requests in any window of length `per`.'),
          per: duration('Window length.'),
          concurrency: positiveInteger('Most requests in flight at once (default 10).'),
        },
      },
      budget: {
        type: 'string',
        minLength: 1,
        description:
          'The name of a top-level `budgets` entry this target spends: each request sent to it takes one unit of that shared budget.',
      },
      circuitBreaker: {
        type: 'object',
        description:
          'Target protection: after `failures` consecutive failed attempts (connection errors, timeouts, 5xx) the target is paused for `cooldown` and its deliveries wait in the store; then one delivery probes it. A 410 Gone pauses it until its deliveries are replayed. Default: on, 10 failures, 1m.',
        additionalProperties: false,
        properties: {
          enabled: {
            type: 'boolean',
            description: 'false turns the breaker off for this target (410 Gone still pauses it). Default true.',
          },
          failures: positiveInteger('Consecutive failed attempts that pause the target (default 10).'),
          cooldown: duration('How long the target stays paused before a probe (default 1m).'),
        },
      },
    },
  };
}

function budgetSchema(): JsonSchema {
  return {
    type: 'object',
    description:
      'An allowance shared by every target that names it: at most `limit` requests in any sliding window of `per`, across all replicas.',
    additionalProperties: false,
    required: ['limit', 'per'],
    properties: {
      limit: positiveInteger('Most requests sent, to all its targets together, in any window of length `per`.'),
      per: duration('Window length, e.g. 1d for a daily allowance of routine runs.'),
      over: {
        enum: ['hold', 'drop'],
        description:
          'Deliveries beyond the limit: hold (default) keeps them pending in the store, oldest first, until the window has room; drop dead-letters them as over_budget (replayable).',
      },
    },
  };
}

function routeSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Sends matching events of one provider, reshaped by `map`, to one or more targets.',
    additionalProperties: false,
    required: ['name', 'from', 'to'],
    properties: {
      name: { type: 'string', pattern: NAME_PATTERN, description: 'Unique route name (shown in logs, metrics and the admin API).' },
      from: { type: 'string', minLength: 1, description: 'The provider whose events this route takes.' },
      events: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', minLength: 1 },
        description:
          'Event types to take, matched segment by segment: `customer.subscription` matches `customer.subscription.created`; `*` matches one segment. Absent: all events.',
      },
      filter: jsonata(
        'A predicate over the body; the route takes the event only when it is true. Bound: $event, $provider, $id, $headers, $query, $receivedAt, $route.',
      ),
      map: jsonata(
        'Reshapes the body into what the target receives (absent: the body as is). Same bindings as `filter`, and $group on a grouped route.',
      ),
      to: {
        type: ['string', 'array'],
        minLength: 1,
        minItems: 1,
        items: { type: 'string', minLength: 1 },
        description: 'A target name, or a list of them (fan-out).',
      },
      group: groupSchema(),
      cooldown: cooldownSchema(),
    },
  };
}

function groupSchema(): JsonSchema {
  return {
    type: 'object',
    description:
      'Coalesce matching events into one fire per key: the group fires when no event joined it for `wait`, `maxWait` after its first event, or at `max` events, whichever comes first. `map` then runs once with $group bound.',
    additionalProperties: false,
    required: ['wait'],
    properties: {
      by: jsonata('The group key, computed over each event (absent: one group per route).'),
      wait: duration('Fire once no event has joined the group for this long.'),
      maxWait: duration("Fire at the latest this long after the group's first event (default 10 x wait)."),
      max: positiveInteger('Fire as soon as the group holds this many events (default 1000).'),
    },
  };
}

function cooldownSchema(): JsonSchema {
  return {
    description:
      'At most one fire per key in any window: a duration, or { by, for }. The key is the group key on a grouped route, else `by` (absent: one key for the whole route). Events within the window are recorded with the outcome `cooldown`.',
    oneOf: [
      duration('The window.'),
      {
        type: 'object',
        additionalProperties: false,
        required: ['for'],
        properties: {
          by: jsonata('The cooldown key, computed over each event (ignored on a grouped route, which uses its group key).'),
          for: duration('The window.'),
        },
      },
    ],
  };
}

export function buildSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'hookgate routes.yaml',
    description: 'Providers that post webhooks, targets that receive them, and the routes between them.',
    type: 'object',
    additionalProperties: false,
    required: ['version', 'providers', 'targets', 'routes'],
    properties: {
      version: { const: 1, description: 'Config format version: 1.' },
      server: serverSchema(),
      store: {
        type: 'string',
        pattern: STORE_PATTERN,
        description:
          'sqlite:./path.db (default sqlite:./data/hookgate.db, relative to this file) or postgres://... for many replicas. HOOKGATE_STORE and --store override it.',
      },
      retention: duration('Age after which delivered and ignored events are purged (default 7d).'),
      providers: {
        type: 'object',
        description: 'Who may post to /webhooks/{name}, and how we know it is them. Names: lower-case letters, digits, - and _.',
        propertyNames: { pattern: PROVIDER_NAME_PATTERN },
        additionalProperties: providerSchema(),
      },
      budgets: {
        type: 'object',
        description: 'Named allowances that several targets share (a target names one with `budget:`).',
        propertyNames: { pattern: NAME_PATTERN },
        additionalProperties: budgetSchema(),
      },
      targets: {
        type: 'object',
        description: 'Where mapped events go, by name.',
        propertyNames: { pattern: NAME_PATTERN },
        additionalProperties: targetSchema(),
      },
      routes: {
        type: 'array',
        description: 'Which events go where. Every matching route of an event gets its own deliveries.',
        items: routeSchema(),
      },
    },
  };
}
