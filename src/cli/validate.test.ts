import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../config/diagnostic.ts';
import type { ValidateCommandOptions } from './validate.ts';
import { escapeData, escapeProperty, githubAnnotation, registerValidate, runValidate } from './validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookgate-validate-'));

const CLEAN = [
  'version: 1',
  'providers:',
  '  stripe:',
  '    verify: { type: stripe, secret: "${STRIPE_SECRET}" }',
  'targets:',
  '  crm: { url: "https://crm.example/hooks" }',
  'routes:',
  '  - { name: r, from: stripe, to: crm }',
  '',
].join('\n');
writeFileSync(join(dir, 'clean.yaml'), CLEAN);
writeFileSync(join(dir, 'broken.yaml'), CLEAN.replace('to: crm', 'to: crn').replace('type: stripe', 'type: stripee'));
writeFileSync(join(dir, 'weird, name:1.yaml'), CLEAN.replace('to: crm', 'to: crn'));
mkdirSync(join(dir, 'more'));
writeFileSync(join(dir, 'more/also.yaml'), CLEAN);

function run(files: string[], options: ValidateCommandOptions = {}, env: Record<string, string> = { STRIPE_SECRET: 's' }) {
  let output = '';
  const code = runValidate(files, options, { out: (t) => (output += t), cwd: dir, env });
  return { code, output, lines: output.trimEnd().split('\n') };
}

const LINE = /^[^:]+:\d+:\d+ (error|warning) [a-z-]+ .+$/;

describe('hookgate validate (in process)', () => {
  it('a clean file: exit 0 and a summary line', () => {
    const r = run(['clean.yaml']);
    expect(r.code).toBe(0);
    expect(r.lines).toEqual(['0 errors, 0 warnings in 1 file: valid']);
  });

  it('missing environment variables are warnings (exit 0), errors with --strict-env (exit 1)', () => {
    const lenient = run(['clean.yaml'], {}, {});
    expect(lenient.code).toBe(0);
    expect(lenient.lines[0]).toBe(
      'clean.yaml:4:37 warning env-missing providers.stripe.verify.secret: environment variable STRIPE_SECRET is not set (set it, or give a default with ${STRIPE_SECRET:-...})',
    );
    const strict = run(['clean.yaml'], { strictEnv: true }, {});
    expect(strict.code).toBe(1);
    expect(strict.lines[0]).toMatch(/^clean\.yaml:4:37 error env-missing /);
  });

  it('errors: exit 1, one file:line:col severity code message line each, then the summary', () => {
    const r = run(['broken.yaml']);
    expect(r.code).toBe(1);
    expect(r.lines.slice(0, -1)).toEqual([
      expect.stringMatching(/^broken\.yaml:4:21 error schema unknown verifier type `stripee`/),
      expect.stringMatching(/^broken\.yaml:6:3 warning unused-target /),
      expect.stringMatching(/^broken\.yaml:8:34 error unknown-target .*did you mean `crm`/),
    ]);
    for (const line of r.lines.slice(0, -1)) expect(line).toMatch(LINE);
    expect(r.lines.at(-1)).toBe('2 errors, 1 warning in 1 file: invalid');
  });

  it('several files and globs', () => {
    const r = run(['*.yaml', 'more/**/*.yaml']);
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatch(/in 4 files: invalid$/);
    expect(r.output).toContain('broken.yaml:4:21');
    expect(r.output).toContain('weird, name:1.yaml:8:34');
  });

  it('a pattern that matches nothing and a missing file are errors', () => {
    const r = run(['none/*.yaml', 'missing.yaml']);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'none/*.yaml:0:0 error file no file matches none/*.yaml',
      'missing.yaml:0:0 error file cannot read missing.yaml: no such file',
      '2 errors, 0 warnings in 1 file: invalid',
    ]);
  });

  it('defaults to -c, else $HOOKGATE_CONFIG, else routes.yaml', () => {
    expect(run([], { config: 'broken.yaml' }).code).toBe(1);
    expect(run([], {}, { STRIPE_SECRET: 's', HOOKGATE_CONFIG: 'clean.yaml' }).output).toContain('in 1 file: valid');
    expect(run([], {}).lines[0]).toBe('routes.yaml:0:0 error file cannot read routes.yaml: no such file');
  });

  it('--format json prints the diagnostics as an array and nothing else', () => {
    const r = run(['broken.yaml'], { format: 'json' });
    const parsed = JSON.parse(r.output) as Diagnostic[];
    expect(r.code).toBe(1);
    expect(parsed.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code}`)).toEqual([
      'broken.yaml:4:21 error schema',
      'broken.yaml:6:3 warning unused-target',
      'broken.yaml:8:34 error unknown-target',
    ]);
    expect(JSON.parse(run(['clean.yaml'], { format: 'json' }).output)).toEqual([]);
  });

  it('--format github prints workflow-command annotations', () => {
    const r = run(['broken.yaml', 'weird, name:1.yaml'], { format: 'github' });
    expect(r.code).toBe(1);
    const annotations = r.lines.filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(5);
    for (const a of annotations) expect(a).toMatch(/^::(error|warning) file=[^,:]+,line=\d+,col=\d+,title=[a-z-]+::[^\r\n]+$/);
    expect(annotations[0]).toMatch(/^::error file=broken\.yaml,line=4,col=21,title=schema::unknown verifier type `stripee`/);
    expect(annotations[1]).toMatch(/^::warning file=broken\.yaml,line=6,col=3,title=unused-target::/);
    expect(annotations).toContainEqual(expect.stringMatching(/^::error file=weird%2C name%3A1\.yaml,line=8,col=34,title=unknown-target::/));
  });
});

describe('GitHub annotation escaping', () => {
  it('escapes %, CR and LF in the message; also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    const d: Diagnostic = {
      file: 'c:/x,y.yaml',
      line: 3,
      col: 7,
      severity: 'warning',
      code: 'literal-secret',
      message: 'line one\nline two 50%',
    };
    expect(githubAnnotation(d)).toBe('::warning file=c%3A/x%2Cy.yaml,line=3,col=7,title=literal-secret::line one%0Aline two 50%25');
  });

  it('leaves out line and col for a finding about the whole file', () => {
    const d: Diagnostic = { file: 'routes.yaml', line: 0, col: 0, severity: 'error', code: 'file', message: 'cannot read' };
    expect(githubAnnotation(d)).toBe('::error file=routes.yaml,title=file::cannot read');
  });
});

describe('the commander command', () => {
  const saved = process.exitCode;
  afterEach(() => {
    process.exitCode = saved;
    vi.restoreAllMocks();
  });

  function program(): Command {
    const p = new Command('hookgate').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerValidate(p);
    return p;
  }

  it('sets process.exitCode from the findings', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    await program().parseAsync(['node', 'hookgate', 'validate', join(dir, 'broken.yaml'), '--format', 'github']);
    expect(process.exitCode).toBe(1);
    expect(out).toContain('::error file=');
    process.exitCode = undefined;
    await program().parseAsync(['node', 'hookgate', 'validate', '-c', join(dir, 'more/also.yaml'), '--strict-env']);
    expect(process.exitCode).toBe(process.env.STRIPE_SECRET === undefined ? 1 : 0);
  });

  it('rejects an unknown --format as a usage error', async () => {
    const error = await program()
      .parseAsync(['node', 'hookgate', 'validate', '--format', 'xml'])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).code).toBe('commander.invalidArgument');
  });
});
