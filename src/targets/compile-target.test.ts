/** routes.yaml targets → what the worker sends with, through the real loader and compiler. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../config/load.ts';
import { compileConfig } from '../pipeline/compile.ts';
import type { CompiledTarget } from '../pipeline/types.ts';

function compiled(targets: string): Map<string, CompiledTarget> {
  const text = [
    'version: 1',
    'providers:',
    '  stripe:',
    '    verify: { type: stripe, secret: "${STRIPE_SECRET}" }',
    'targets:',
    targets,
    'routes:',
    '  - { name: r, from: stripe, to: [a, b] }',
    '',
  ].join('\n');
  const result = loadConfigText(text, 'routes.yaml', process.cwd(), {
    env: { STRIPE_SECRET: 'whsec_compile_test', ROUTINE_TOKEN: 'sk-ant-oat01-x' },
  });
  if (!result.config) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  const config = compileConfig(result.config, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: 'x' });
  return new Map(config.targets);
}

describe('compiled targets', () => {
  it('take each kind from its field, and retry.maxAge (default 3d)', () => {
    const targets = compiled(
      [
        '  a:',
        '    url: https://a.example/hook',
        '    retry: { maxAge: 12h, maxDelay: 1m }',
        '  b:',
        '    routine: { url: https://api.example/fire, token: "${ROUTINE_TOKEN}" }',
      ].join('\n'),
    );
    expect(targets.get('a')).toMatchObject({
      kind: 'url',
      url: 'https://a.example/hook',
      retry: { maxAgeMs: 43_200_000, maxDelayMs: 60_000 },
    });
    expect(targets.get('b')).toMatchObject({
      kind: 'routine',
      url: 'https://api.example/fire',
      retry: { maxAgeMs: 3 * 86_400_000 },
      headers: { authorization: 'Bearer sk-ant-oat01-x' },
    });
  });
});
