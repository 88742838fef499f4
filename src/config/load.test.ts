import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { yamlText } from '../../test/support/config.ts';
import { formatDiagnostic } from './diagnostic.ts';
import { loadConfigFile, loadConfigText } from './load.ts';
import { MISSING_SECRET_PLACEHOLDER } from './secrets.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(REPO, 'test/fixtures/configs');

function load(text: string, env: Record<string, string> = {}, options: Parameters<typeof loadConfigText>[3] = {}) {
  return loadConfigText(text, 'routes.yaml', FIXTURES, { env, ...options });
}

const ROTATION = yamlText`
  version: 1
  providers:
    backend:
      verify:
        type: hmac
        header: x-signature
        secrets: ["\${BILLING_SECRET}", "\${BILLING_SECRET_OLD:-}"]
  targets:
    api:
      routine: { url: "\${ROUTINE_URL}", token: "\${ROUTINE_TOKEN}" }
  routes:
    - { name: r, from: backend, to: api }
`;

describe('loadConfigFile', () => {
  it('reads the file, hashes its bytes and resolves ${file:...} against its folder', () => {
    const path = join(FIXTURES, 'file-secret.yaml');
    const result = loadConfigFile(path, { env: {} });
    expect(result.diagnostics).toEqual([]);
    expect(result.file).toBe(path);
    expect(result.absPath).toBe(path);
    expect(result.dir).toBe(FIXTURES);
    expect(result.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(result.config?.providers.stripe?.verify.secret).toBe('file-secret-value-1');
    expect(result.config?.store).toBe('sqlite:./data/hookgate.db');
    expect(Object.isFrozen(result.config)).toBe(true);
    expect(Object.isFrozen(result.config?.providers.stripe?.verify)).toBe(true);
  });

  it('reports a file that cannot be read', () => {
    const result = loadConfigFile('no-such-dir/routes.yaml', { env: {} });
    expect(result.config).toBeNull();
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'no-such-dir/routes.yaml:0:0 error file cannot read no-such-dir/routes.yaml: no such file',
    ]);
  });
});

describe('secrets', () => {
  it('drops rotation entries that expand to empty', () => {
    const result = load(ROTATION, { BILLING_SECRET: 'current-1', ROUTINE_URL: 'https://api.example/fire', ROUTINE_TOKEN: 'tok-1' });
    expect(result.diagnostics).toEqual([]);
    expect(result.config?.providers.backend?.verify.secrets).toEqual(['current-1']);
  });

  it('keeps both when both are set', () => {
    const result = load(ROTATION, {
      BILLING_SECRET: 'new-1',
      BILLING_SECRET_OLD: 'old-1',
      ROUTINE_URL: 'https://a.example/f',
      ROUTINE_TOKEN: 't',
    });
    expect(result.config?.providers.backend?.verify.secrets).toEqual(['new-1', 'old-1']);
  });

  it('in validate mode, a secret missing from the environment is a warning and a placeholder keeps the config checkable', () => {
    const result = load(ROTATION);
    expect(result.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual([
      'warning env-missing',
      'warning env-missing',
      'warning env-missing',
    ]);
    expect(result.missingEnv).toEqual(['BILLING_SECRET', 'ROUTINE_URL', 'ROUTINE_TOKEN']);
    expect(result.config?.providers.backend?.verify.secrets).toEqual([MISSING_SECRET_PLACEHOLDER]);
  });

  it('in lenient mode, missing variables are silent', () => {
    const result = load(ROTATION, {}, { mode: 'lenient' });
    expect(result.diagnostics).toEqual([]);
    expect(result.missingEnv).toEqual(['BILLING_SECRET', 'ROUTINE_URL', 'ROUTINE_TOKEN']);
    expect(result.config).not.toBeNull();
  });

  it('in serve mode, missing variables are errors, the secret is missing, and there is no config', () => {
    const result = load(ROTATION, {}, { mode: 'serve' });
    expect(result.config).toBeNull();
    expect(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`)).toEqual([
      '7:16 error no-secret',
      '7:17 error env-missing',
      '10:21 error env-missing',
      '10:46 error env-missing',
    ]);
  });
});

describe('interpolation into the config', () => {
  it('gives an unquoted ${VAR} the YAML type of its value; a quoted one stays a string', () => {
    const text = yamlText`
      version: 1
      server:
        port: \${PORT:-8787}
        trustProxy: \${TRUST:-false}
      providers: { p: { verify: { type: none } } }
      targets: { t: { url: "https://x.example/\${PORT:-8787}" } }
      routes: [{ name: r, from: p, to: t }]
    `;
    const result = load(text, { PORT: '9000' });
    expect(result.config?.server).toEqual({ port: 9000, trustProxy: false });
    expect(result.config?.targets.t?.url).toBe('https://x.example/9000');
    const quoted = load(text.replace('port: ${PORT:-8787}', 'port: "${PORT:-8787}"'), { PORT: '9000' });
    expect(quoted.diagnostics.map((d) => d.message)).toContain('server.port must be a whole number');
  });

  it('turns $${ into a literal ${', () => {
    const text = yamlText`
      version: 1
      providers: { p: { verify: { type: none } } }
      targets: { t: { url: "https://x.example/", headers: { x-template: "$\${NOT_A_VAR}" } } }
      routes: [{ name: r, from: p, to: t }]
    `;
    expect(load(text).config?.targets.t?.headers).toEqual({ 'x-template': '${NOT_A_VAR}' });
  });

  it("never puts a variable's value into a message", () => {
    const values = { TOL: 'tolerance-value-xyz', URL: 'not-a-url-value-xyz', TOKEN: 'token-value-xyz', TYPE: 'type-value-xyz' };
    const text = yamlText`
      version: 1
      providers:
        a: { verify: { type: stripe, secret: "\${TOKEN}", tolerance: "\${TOL}" } }
        b: { verify: { type: "\${TYPE}", secret: "\${TOKEN}" } }
      targets: { t: { url: "\${URL}", auth: { bearer: "\${TOKEN}" } } }
      routes: [{ name: r, from: a, to: t, filter: "\${TOKEN} = " }]
    `;
    const result = load(text, values);
    expect(result.diagnostics.length).toBeGreaterThanOrEqual(4);
    for (const d of result.diagnostics) for (const v of Object.values(values)) expect(formatDiagnostic(d)).not.toContain(v);
  });
});

describe('YAML errors', () => {
  it('a syntax error is one finding, not one per token that follows it', () => {
    const result = load('version: 1\nserver: { port: ${PORT}, trustProxy: true }\nproviders: {}\ntargets: {}\nroutes: []\n');
    expect(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['2:18 yaml']);
    expect(result.config).toBeNull();
  });

  it('a merge key is one plain error at the key; an alias for a whole value works', () => {
    const text = yamlText`
      version: 1
      providers:
        p: { verify: { type: hmac, header: x-sig, secret: s3cret-value } }
      targets:
        a: { url: "https://a.example", retry: &fast { maxAttempts: 3, initialDelay: 1s } }
        b:
          <<: { timeout: 5s }
          url: "https://b.example"
          retry: *fast
      routes:
        - { name: r, from: p, to: [a, b] }
    `;
    const merged = load(text);
    expect(merged.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      '7:5 yaml YAML merge keys (`<<`) are not supported: write the keys out in this mapping (an alias for a whole value, as in `retry: *fast`, does work)',
    ]);
    const aliased = load(text.replace('    <<: { timeout: 5s }\n', ''));
    expect(aliased.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(aliased.config?.targets.b).toMatchObject({ retry: { maxAttempts: 3, initialDelay: '1s' } });
  });

  it('every duplicate key is reported', () => {
    const result = load('version: 1\nversion: 1\nproviders: {}\ntargets: {}\ntargets: {}\nroutes: []\n');
    expect(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      '2:1 duplicate key version: each key may appear once in a mapping',
      '5:1 duplicate key targets: each key may appear once in a mapping',
    ]);
  });
});

describe('collapsed schema errors', () => {
  it('an unknown verifier type is one finding, not one per type branch', () => {
    const result = load('version: 1\nproviders: { p: { verify: { type: stripee, secret: x, tolerance: 5m } } }\ntargets: {}\nroutes: []\n');
    expect(result.diagnostics.filter((d) => d.code === 'schema')).toHaveLength(1);
  });

  it('a target with both url and routine is one finding', () => {
    const result = load(
      'version: 1\nproviders: {}\ntargets: { t: { url: "https://a.example", routine: { url: "https://b.example", token: "${T:-x}" } } }\nroutes: []\n',
    );
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(1);
  });

  it('a schema error at a value whose variable is missing is left to the env-missing warning', () => {
    const result = load('version: 1\nproviders: {}\ntargets: { t: { url: "${TARGET_URL}" } }\nroutes: [{ name: r, from: p, to: t }]\n');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['env-missing', 'unknown-provider']);
  });
});

describe('the examples validate clean', () => {
  function errorsIn(text: string, file: string): string[] {
    return loadConfigText(text, file, REPO, { env: {} })
      .diagnostics.filter((d) => d.severity === 'error')
      .map(formatDiagnostic);
  }

  /** ```yaml blocks whose first line (after comments) is `version: 1`. */
  function configBlocks(markdown: string): string[] {
    return [...markdown.matchAll(/```ya?ml\r?\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter(
        (block) =>
          block
            .split('\n')
            .find((l) => l.trim() !== '' && !l.trim().startsWith('#'))
            ?.trim() === 'version: 1',
      );
  }

  it('routes.yaml at the repository root', () => {
    const path = join(REPO, 'routes.yaml');
    expect(existsSync(path), 'routes.yaml is the bundled example').toBe(true);
    expect(errorsIn(readFileSync(path, 'utf8'), 'routes.yaml')).toEqual([]);
  });

  it('every config block in README.md', () => {
    const path = join(REPO, 'README.md');
    if (!existsSync(path)) return;
    for (const block of configBlocks(readFileSync(path, 'utf8'))) expect(errorsIn(block, 'README.md')).toEqual([]);
  });

  it('the example in the spec (shared/SPEC.md, beside the repository)', () => {
    const path = [join(REPO, '../shared/SPEC.md'), join(REPO, 'shared/SPEC.md')].find((p) => existsSync(p));
    if (path === undefined) return;
    const blocks = configBlocks(readFileSync(path, 'utf8').replace(/^# yaml-language-server.*\n/m, ''));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(errorsIn(block, 'SPEC.md')).toEqual([]);
  });
});
