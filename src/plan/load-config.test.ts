import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanConfig, PlanConfigError, parseGitRef } from './load-config.ts';

const CONFIG = (route: string): string => `version: 1
store: sqlite:./data/x.db
providers:
  stripe: { verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}" } }
targets:
  r: { routine: { url: "\${ROUTINE_URL}", token: "\${ROUTINE_TOKEN}" } }
routes:
  - { name: ${route}, from: stripe, to: r }
`;

describe('parseGitRef', () => {
  it.each([
    ['git-ref:origin/main:routes.yaml', { ref: 'origin/main', file: 'routes.yaml' }],
    ['git-ref:HEAD~1:config/routes.yaml', { ref: 'HEAD~1', file: 'config/routes.yaml' }],
    ['routes.yaml', null],
    ['./git-ref.yaml', null],
  ])('%s', (spec, parsed) => {
    expect(parseGitRef(spec)).toEqual(parsed);
  });

  it.each(['git-ref:', 'git-ref:main', 'git-ref::routes.yaml', 'git-ref:main:'])('refuses %s with the expected shape', (spec) => {
    expect(() => parseGitRef(spec)).toThrow(/expected git-ref:<ref>:<path>/);
  });
});

describe('loadPlanConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hookgate-plan-load-'));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub/routes.yaml'), CONFIG('committed'));
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    writeFileSync(path.join(dir, 'sub/routes.yaml'), CONFIG('working'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a file with none of its variables set: planning needs no secrets', () => {
    const loaded = loadPlanConfig('sub/routes.yaml', { env: {}, cwd: dir });
    expect(loaded.config.routes.map((r) => r.name)).toEqual(['working']);
    expect([...loaded.missingEnv].sort()).toEqual(['ROUTINE_TOKEN', 'ROUTINE_URL', 'STRIPE_WEBHOOK_SECRET']);
  });

  it('reads git-ref:REF:PATH from the repository of the working directory, the path from its root', () => {
    const loaded = loadPlanConfig('git-ref:main:sub/routes.yaml', { env: {}, cwd: path.join(dir, 'sub') });
    expect(loaded.config.routes.map((r) => r.name)).toEqual(['committed']);
    expect(loaded.label).toBe('git-ref:main:sub/routes.yaml');
    // Relative paths in it resolve beside the file in the working tree.
    expect(loaded.config.store).toBe(`sqlite:${path.join(dir, 'sub/data/x.db')}`);
  });

  it('says which ref or path git could not show', () => {
    expect(() => loadPlanConfig('git-ref:nope:sub/routes.yaml', { env: {}, cwd: dir })).toThrow(
      /git-ref:nope:sub\/routes\.yaml: git show nope:sub\/routes\.yaml failed/,
    );
    expect(() => loadPlanConfig('git-ref:main:missing.yaml', { env: {}, cwd: dir })).toThrow(PlanConfigError);
    const outside = mkdtempSync(path.join(tmpdir(), 'hookgate-plan-nogit-'));
    try {
      expect(() => loadPlanConfig('git-ref:main:routes.yaml', { env: {}, cwd: outside })).toThrow(/not inside a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses an invalid config with its findings at file:line:col', () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'version: 1\nproviders: {}\ntargets: {}\nroutes:\n  - { name: r, from: nobody, to: t }\n');
    expect(() => loadPlanConfig('bad.yaml', { env: {}, cwd: dir })).toThrow(/bad\.yaml:5:\d+ error/);
    expect(() => loadPlanConfig('nothing-here.yaml', { env: {}, cwd: dir })).toThrow(/cannot read nothing-here\.yaml/);
  });
});
