/**
 * The table of broken configs: each config breaks one thing, and the finding must carry the
 * expected code, severity, line and column. Each case also says which stage rejects it: the YAML
 * parser, ${ENV} interpolation, ajv on the schema alone, or a named semantic check.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { yamlText } from '../../test/support/config.ts';
import type { LoadOptions } from './load.ts';
import { loadConfigText } from './load.ts';
import { SEMANTIC_CODES } from './semantic.ts';
import { validateSchema } from './validate-schema.ts';

type Stage = 'yaml' | 'env' | 'schema' | 'semantic';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly col: number;
  readonly by: Stage;
  readonly message?: RegExp;
  readonly env?: Record<string, string>;
  readonly options?: LoadOptions;
}

const ENV = { STRIPE_SECRET: 'whsec_test_value_1', CRM_TOKEN: 'crm-token-value-1' };

const VALID = yamlText`
  version: 1
  providers:
    stripe:
      verify: { type: stripe, secret: "\${STRIPE_SECRET}" }
  targets:
    crm:
      url: https://crm.example/hooks
  routes:
    - name: to-crm
      from: stripe
      to: crm
`;

/** VALID with one line replaced (1-based) by the given lines. */
function edit(line: number, ...replacement: string[]): string {
  const lines = VALID.split('\n');
  lines.splice(line - 1, 1, ...replacement);
  return lines.join('\n');
}

const CASES: readonly Case[] = [
  {
    name: 'unknown provider in from, with a suggestion',
    yaml: edit(10, '    from: strpe'),
    code: 'unknown-provider',
    severity: 'error',
    line: 10,
    col: 11,
    by: 'semantic',
    message: /unknown provider `strpe` \(did you mean `stripe`\?\)/,
  },
  {
    name: 'unknown target in to, with a suggestion',
    yaml: edit(11, '    to: crn'),
    code: 'unknown-target',
    severity: 'error',
    line: 11,
    col: 9,
    by: 'semantic',
    message: /unknown target `crn` \(did you mean `crm`\?\)/,
  },
  {
    name: 'unknown target inside a fan-out list',
    yaml: edit(11, '    to: [crm, crmm]'),
    code: 'unknown-target',
    severity: 'error',
    line: 11,
    col: 15,
    by: 'semantic',
    message: /`crmm` \(did you mean `crm`\?\)/,
  },
  {
    name: 'the same target twice in one route',
    yaml: edit(11, '    to: [crm, crm]'),
    code: 'duplicate-target',
    severity: 'error',
    line: 11,
    col: 15,
    by: 'semantic',
  },
  {
    name: 'duplicate route names',
    yaml: `${VALID}  - name: to-crm\n    from: stripe\n    to: crm\n`,
    code: 'duplicate-route',
    severity: 'error',
    line: 12,
    col: 11,
    by: 'semantic',
    message: /already used at line 9/,
  },
  {
    name: 'JSONata syntax error inside a multi-line map: | block (position in the file)',
    yaml: edit(10, '    from: stripe', '    map: |', '      {', '        "id": id,', '        "amount": data.object.amount +', '      }'),
    code: 'jsonata',
    severity: 'error',
    line: 15,
    col: 7,
    by: 'semantic',
    message: /routes\[0\]\.map is not valid JSONata/,
  },
  {
    name: 'JSONata error in a one-line filter points at the token',
    yaml: edit(10, '    from: stripe', '    filter: data.object.status = = "active"'),
    code: 'jsonata',
    severity: 'error',
    line: 11,
    col: 34,
    by: 'semantic',
  },
  {
    name: 'JSONata error in a provider event expression',
    yaml: edit(4, '    verify: { type: stripe, secret: "${STRIPE_SECRET}" }', '    event: type.('),
    code: 'jsonata',
    severity: 'error',
    line: 5,
    col: 17,
    by: 'semantic',
    message: /providers\.stripe\.event/,
  },
  {
    name: 'a filter that is an object constructor is not a predicate',
    yaml: edit(10, '    from: stripe', `    filter: '{"status": data.object.status}'`),
    code: 'filter-not-predicate',
    severity: 'warning',
    line: 11,
    col: 13,
    by: 'semantic',
    message: /object constructor/,
  },
  {
    name: 'a filter that is a string literal is not a predicate',
    yaml: edit(10, '    from: stripe', `    filter: '"active"'`),
    code: 'filter-not-predicate',
    severity: 'warning',
    line: 11,
    col: 13,
    by: 'semantic',
    message: /string literal/,
  },
  {
    name: 'a duration the schema pattern rejects',
    yaml: edit(7, '    url: https://crm.example/hooks', '    timeout: 5 minutes'),
    code: 'duration',
    severity: 'error',
    line: 8,
    col: 14,
    by: 'schema',
    message: /targets\.crm\.timeout .* must be a duration/,
  },
  {
    name: 'a zero duration where time must pass',
    yaml: edit(7, '    url: https://crm.example/hooks', '    rateLimit: { requests: 5, per: 0s }'),
    code: 'duration',
    severity: 'error',
    line: 8,
    col: 36,
    by: 'semantic',
    message: /per must be more than zero/,
  },
  {
    name: 'a circuit breaker with a cool-down that is not a duration',
    yaml: edit(7, '    url: https://crm.example/hooks', '    circuitBreaker: { failures: 3, cooldown: soon }'),
    code: 'duration',
    severity: 'error',
    line: 8,
    col: 46,
    by: 'schema',
    message: /circuitBreaker\.cooldown .* must be a duration/,
  },
  {
    name: 'a circuit breaker option with a typo',
    yaml: edit(7, '    url: https://crm.example/hooks', '    circuitBreaker: { failure: 3 }'),
    code: 'schema',
    severity: 'error',
    line: 8,
    col: 23,
    by: 'schema',
    message: /failure/,
  },
  {
    name: 'retry.initialDelay longer than maxDelay',
    yaml: edit(7, '    url: https://crm.example/hooks', '    retry: { initialDelay: 1h, maxDelay: 5m }'),
    code: 'duration',
    severity: 'warning',
    line: 8,
    col: 28,
    by: 'semantic',
    message: /longer than maxDelay/,
  },
  {
    name: 'a size the schema pattern rejects',
    yaml: edit(1, 'version: 1', 'server:', '  bodyLimit: 1 megabyte'),
    code: 'size',
    severity: 'error',
    line: 3,
    col: 14,
    by: 'schema',
    message: /server\.bodyLimit .* must be a size/,
  },
  {
    name: 'a zero size',
    yaml: edit(1, 'version: 1', 'server:', '  bodyLimit: 0kb'),
    code: 'size',
    severity: 'error',
    line: 3,
    col: 14,
    by: 'semantic',
  },
  {
    name: 'unknown verifier type, with a suggestion and the valid types',
    yaml: edit(4, '    verify: { type: stripee, secret: "${STRIPE_SECRET}" }'),
    code: 'schema',
    severity: 'error',
    line: 4,
    col: 21,
    by: 'schema',
    message: /unknown verifier type `stripee` \(did you mean `stripe`\?\); valid types: .*\bgithub\b.*\bnone\b.*\bstripe\b/,
  },
  {
    name: 'unknown verifier option points at the key and suggests the right one',
    yaml: edit(4, '    verify: { type: stripe, secrt: "${STRIPE_SECRET}" }'),
    code: 'schema',
    severity: 'error',
    line: 4,
    col: 29,
    by: 'schema',
    message: /unknown property `secrt` \(did you mean `secret`\?\)/,
  },
  {
    name: 'verify without type lists the types',
    yaml: edit(4, '    verify: { secret: "${STRIPE_SECRET}" }'),
    code: 'schema',
    severity: 'error',
    line: 4,
    col: 13,
    by: 'schema',
    message: /missing required property `type` \(one of: .*\bstripe\b/,
  },
  {
    name: 'hmac without its required header option',
    yaml: edit(4, '    verify: { type: hmac, secret: "${STRIPE_SECRET}" }'),
    code: 'schema',
    severity: 'error',
    line: 4,
    col: 13,
    by: 'schema',
    message: /providers\.stripe\.verify: missing required property `header`/,
  },
  {
    name: 'a verifier with neither secret nor secrets',
    yaml: edit(4, '    verify: { type: github }'),
    code: 'schema',
    severity: 'error',
    line: 4,
    col: 13,
    by: 'schema',
    message: /needs `secret` or `secrets`/,
  },
  {
    name: 'a target with both url and routine',
    yaml: edit(7, '    url: https://crm.example/hooks', '    routine: { url: https://api.example/fire, token: "${CRM_TOKEN}" }'),
    code: 'schema',
    severity: 'error',
    line: 7,
    col: 5,
    by: 'schema',
    message: /targets\.crm: use only one of `url` or `routine`, not both/,
  },
  {
    name: 'a target with neither url nor routine',
    yaml: edit(7, '    timeout: 10s'),
    code: 'schema',
    severity: 'error',
    line: 7,
    col: 5,
    by: 'schema',
    message: /targets\.crm: needs `url` or `routine`/,
  },
  {
    name: 'auth with both bearer and basic',
    yaml: edit(
      7,
      '    url: https://crm.example/hooks',
      '    auth: { bearer: "${CRM_TOKEN}", basic: { username: u, password: "${CRM_TOKEN}" } }',
    ),
    code: 'schema',
    severity: 'error',
    line: 8,
    col: 11,
    by: 'schema',
    message: /use only one of `bearer` or `basic`/,
  },
  {
    name: 'a target rate limit with requests but no window',
    yaml: edit(7, '    url: https://crm.example/hooks', '    rateLimit: { requests: 5 }'),
    code: 'schema',
    severity: 'error',
    line: 8,
    col: 16,
    by: 'schema',
    message: /`requests` needs `per` too/,
  },
  {
    name: 'to is neither a name nor a list',
    yaml: edit(11, '    to: 42'),
    code: 'schema',
    severity: 'error',
    line: 11,
    col: 9,
    by: 'schema',
    message: /routes\[0\]\.to must be a string or a list/,
  },
  {
    name: 'a misspelt route property',
    yaml: edit(11, '    too: crm'),
    code: 'schema',
    severity: 'error',
    line: 11,
    col: 5,
    by: 'schema',
    message: /unknown property `too` \(did you mean `to`\?\)/,
  },
  {
    name: 'wrong version',
    yaml: edit(1, 'version: 2'),
    code: 'schema',
    severity: 'error',
    line: 1,
    col: 10,
    by: 'schema',
    message: /version must be 1/,
  },
  {
    name: 'routes missing',
    yaml: VALID.split('\n').slice(0, 7).join('\n'),
    code: 'schema',
    severity: 'error',
    line: 1,
    col: 1,
    by: 'schema',
    message: /missing required property `routes`/,
  },
  {
    name: 'a provider name that is not URL-safe',
    yaml: edit(3, '  Stripe_Prod:').replace('from: stripe', 'from: Stripe_Prod'),
    code: 'schema',
    severity: 'error',
    line: 3,
    col: 3,
    by: 'schema',
    message: /`Stripe_Prod` is not a valid provider name/,
  },
  {
    name: 'a store that is neither sqlite nor postgres',
    yaml: edit(1, 'version: 1', 'store: mysql://db/hooks'),
    code: 'schema',
    severity: 'error',
    line: 2,
    col: 8,
    by: 'schema',
    message: /sqlite:<path> or a postgres:\/\/ URL/,
  },
  {
    name: 'a plain target url that is not http(s)',
    yaml: edit(7, '    url: ftp://crm.example/hooks'),
    code: 'schema',
    severity: 'error',
    line: 7,
    col: 10,
    by: 'schema',
    message: /http:\/\/ or https:\/\//,
  },
  {
    name: 'an empty file',
    yaml: '',
    code: 'schema',
    severity: 'error',
    line: 1,
    col: 1,
    by: 'schema',
    message: /must be a mapping/,
  },
  {
    name: 'an events pattern with an empty segment',
    yaml: edit(10, '    from: stripe', '    events: [customer..created]'),
    code: 'event-pattern',
    severity: 'error',
    line: 11,
    col: 14,
    by: 'semantic',
    message: /empty segment/,
  },
  {
    name: 'an events pattern with * inside a segment',
    yaml: edit(10, '    from: stripe', '    events:', '      - invoice.paid', '      - cust*mer.created'),
    code: 'event-pattern',
    severity: 'error',
    line: 13,
    col: 9,
    by: 'semantic',
    message: /whole segment/,
  },
  {
    name: 'missing env var is a warning in validate mode',
    yaml: VALID,
    env: {},
    code: 'env-missing',
    severity: 'warning',
    line: 4,
    col: 37,
    by: 'env',
    message: /STRIPE_SECRET is not set/,
  },
  {
    name: 'missing env var is an error with strictEnv',
    yaml: VALID,
    env: {},
    options: { strictEnv: true },
    code: 'env-missing',
    severity: 'error',
    line: 4,
    col: 37,
    by: 'env',
    message: /STRIPE_SECRET is not set/,
  },
  {
    name: 'missing env var is an error in serve mode',
    yaml: VALID,
    env: {},
    options: { mode: 'serve' },
    code: 'env-missing',
    severity: 'error',
    line: 4,
    col: 37,
    by: 'env',
  },
  {
    name: 'a malformed reference',
    yaml: edit(4, '    verify: { type: stripe, secret: "${STRIPE SECRET}" }'),
    code: 'env-syntax',
    severity: 'error',
    line: 4,
    col: 37,
    by: 'env',
    message: /is not a valid reference/,
  },
  {
    name: 'a ${file:...} that does not exist',
    yaml: edit(4, '    verify: { type: stripe, secret: "${file:./no-such-secret.txt}" }'),
    code: 'file-missing',
    severity: 'warning',
    line: 4,
    col: 37,
    by: 'env',
    message: /no-such-secret\.txt/,
  },
  {
    name: 'every rotation secret expands to empty',
    yaml: edit(4, '    verify: { type: stripe, secrets: ["${STRIPE_OLD:-}", ""] }'),
    code: 'no-secret',
    severity: 'error',
    line: 4,
    col: 38,
    by: 'semantic',
    message: /provider `stripe` has no secret/,
  },
  {
    name: 'a secret variable that is set but empty',
    yaml: VALID,
    env: { STRIPE_SECRET: '' },
    code: 'no-secret',
    severity: 'error',
    line: 4,
    col: 37,
    by: 'semantic',
  },
  {
    name: 'a literal secret',
    yaml: edit(4, '    verify: { type: stripe, secret: whsec_abcdef123456 }'),
    code: 'literal-secret',
    severity: 'warning',
    line: 4,
    col: 37,
    by: 'semantic',
    message: /providers\.stripe\.verify\.secret is written in the file/,
  },
  {
    name: 'a secret with a default written in the file',
    yaml: edit(4, '    verify: { type: stripe, secret: "${STRIPE_SECRET:-whsec_fallback}" }'),
    code: 'literal-secret',
    severity: 'warning',
    line: 4,
    col: 37,
    by: 'semantic',
    message: /has a default written in the file/,
  },
  {
    name: 'a literal credential in an extra header',
    yaml: edit(7, '    url: https://crm.example/hooks', '    headers: { Authorization: "Bearer abc123" }'),
    code: 'literal-secret',
    severity: 'warning',
    line: 8,
    col: 31,
    by: 'semantic',
    message: /targets\.crm\.headers\.Authorization/,
  },
  {
    name: 'a literal bearer token on a target',
    yaml: edit(7, '    url: https://crm.example/hooks', '    auth: { bearer: abc123 }'),
    code: 'literal-secret',
    severity: 'warning',
    line: 8,
    col: 21,
    by: 'semantic',
  },
  {
    name: 'type none',
    yaml: edit(4, '    verify: { type: none }'),
    code: 'verify-none',
    severity: 'warning',
    line: 4,
    col: 21,
    by: 'semantic',
    message: /accepts requests from anyone/,
  },
  {
    name: 'an unused target',
    yaml: edit(7, '    url: https://crm.example/hooks', '  spare:', '    url: https://spare.example/hooks'),
    code: 'unused-target',
    severity: 'warning',
    line: 8,
    col: 3,
    by: 'semantic',
    message: /target `spare` is not used/,
  },
  {
    name: 'an unused provider',
    yaml: edit(
      4,
      '    verify: { type: stripe, secret: "${STRIPE_SECRET}" }',
      '  github:',
      '    verify: { type: github, secret: "${STRIPE_SECRET}" }',
    ),
    code: 'unused-provider',
    severity: 'warning',
    line: 5,
    col: 3,
    by: 'semantic',
    message: /provider `github` is not used/,
  },
  {
    name: 'YAML syntax error',
    yaml: edit(4, '    verify: { type: stripe, secret: "${STRIPE_SECRET}"'),
    code: 'yaml',
    severity: 'error',
    line: 5,
    col: 1,
    by: 'yaml',
  },
  {
    name: 'duplicate key',
    yaml: edit(7, '    url: https://crm.example/hooks', '    url: https://other.example/hooks'),
    code: 'yaml',
    severity: 'error',
    line: 8,
    col: 5,
    by: 'yaml',
    message: /duplicate key url/,
  },
  {
    name: 'a call of a function JSONata does not have, with the nearest real one',
    yaml: edit(11, `    map: '{"a": $substrin(id, 0, 2)}'`, '    to: crm'),
    code: 'unknown-function',
    severity: 'error',
    line: 11,
    col: 17,
    by: 'semantic',
    message: /calls \$substrin, which is not a JSONata function \(did you mean `\$substring`\?\)/,
  },
  {
    name: 'a filter that is a bare path, true for any value',
    yaml: edit(11, '    filter: data.object.livemode', '    to: crm'),
    code: 'filter-bare-path',
    severity: 'warning',
    line: 11,
    col: 13,
    by: 'semantic',
    message: /bare path/,
  },
  {
    name: 'an event type Stripe never sends, with the nearest one it does',
    yaml: edit(11, '    events: [customer.subscription.craeted]', '    to: crm'),
    code: 'unknown-event',
    severity: 'warning',
    line: 11,
    col: 14,
    by: 'semantic',
    message: /Stripe never sends `customer\.subscription\.craeted`.*did you mean `customer\.subscription\.created`/,
  },
  {
    name: 'a YAML merge key, said plainly',
    yaml: edit(7, '    <<: { timeout: 5s }', '    url: https://crm.example/hooks'),
    code: 'yaml',
    severity: 'error',
    line: 7,
    col: 5,
    by: 'yaml',
    message: /merge keys \(`<<`\) are not supported/,
  },
  {
    name: 'a routine target with auth (it would replace the routine token)',
    yaml: edit(7, '    routine: { url: https://api.example/fire, token: "${CRM_TOKEN}" }', '    auth: { bearer: "${CRM_TOKEN}" }'),
    code: 'routine-auth',
    severity: 'error',
    line: 8,
    col: 5,
    by: 'semantic',
    message: /target `crm`: a routine target takes its credential from `routine.token` only: remove `auth`/,
  },
  {
    name: 'a routine target with an Authorization header, in any case',
    yaml: edit(
      7,
      '    routine: { url: https://api.example/fire, token: "${CRM_TOKEN}" }',
      '    headers:',
      '      x-team: growth',
      '      AuthoriZation: "Bearer ${CRM_TOKEN}"',
    ),
    code: 'routine-auth',
    severity: 'error',
    line: 10,
    col: 7,
    by: 'semantic',
    message: /remove the `AuthoriZation` header/,
  },
  {
    name: 'a group whose maxWait is shorter than its wait',
    yaml: edit(11, '    to: crm', '    group: { wait: 5m, maxWait: 1m }'),
    code: 'group-max-wait',
    severity: 'error',
    line: 12,
    col: 33,
    by: 'semantic',
    message: /maxWait \(1m\) is shorter than wait \(5m\)/,
  },
  {
    name: '$group in the map of a route without group',
    yaml: edit(11, '    to: crm', '    map: $group.count'),
    code: 'group-unbound',
    severity: 'error',
    line: 12,
    col: 10,
    by: 'semantic',
    message: /uses \$group, which is bound only in the map of a grouped route/,
  },
  {
    name: 'a group key that does not compile',
    yaml: edit(11, '    to: crm', '    group: { by: "data.(id", wait: 30s }'),
    code: 'jsonata',
    severity: 'error',
    line: 12,
    col: 26,
    by: 'semantic',
  },
  {
    name: 'a cooldown that is not a duration',
    yaml: edit(11, '    to: crm', '    cooldown: soon'),
    code: 'duration',
    severity: 'error',
    line: 12,
    col: 15,
    by: 'schema',
  },
];

describe('invalid configs', () => {
  it('has at least 30 cases, and the unbroken config is clean', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    const result = loadConfigText(VALID, 'routes.yaml', process.cwd(), { env: ENV });
    expect(result.diagnostics).toEqual([]);
    expect(result.config).not.toBeNull();
  });

  it.each(CASES)('$name', (c) => {
    const result = loadConfigText(c.yaml, 'routes.yaml', process.cwd(), { env: c.env ?? ENV, ...c.options });
    const found = result.diagnostics.filter((d) => d.code === c.code);
    const summary = result.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`).join('\n');
    const match = found.find((d) => d.line === c.line && d.col === c.col && d.severity === c.severity);
    expect(match, `expected ${c.severity} ${c.code} at ${c.line}:${c.col}, got:\n${summary}`).toBeDefined();
    if (c.message) expect(match!.message).toMatch(c.message);
    expect(match!.file).toBe('routes.yaml');
    expect(result.config === null).toBe(c.severity === 'error');
    expectStage(c);
  });
});

/** Proves which stage rejects the case. */
function expectStage(c: Case): void {
  if (c.by === 'yaml') {
    expect(c.code).toBe('yaml');
    return;
  }
  if (c.by === 'env') {
    expect(['env-missing', 'env-syntax', 'file-missing']).toContain(c.code);
    return;
  }
  const schemaErrors = validateSchema(parse(c.yaml) ?? null);
  if (c.by === 'schema') {
    expect(schemaErrors.length, 'ajv on the schema alone rejects it').toBeGreaterThan(0);
  } else {
    expect(schemaErrors, 'the schema alone accepts it').toEqual([]);
    expect(SEMANTIC_CODES as readonly string[]).toContain(c.code);
  }
}
