import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookgate-interp-'));
writeFileSync(join(dir, 'token.txt'), 'tok-from-file\r\n');
const ctx = { env: { A: 'alpha', EMPTY: '', PORT: '9000' }, dir };

describe('interpolate', () => {
  it.each([
    ['no references', 'plain text', 'plain text', false],
    ['a variable', '${A}', 'alpha', true],
    ['a variable inside text', 'Bearer ${A}!', 'Bearer alpha!', true],
    ['a default when unset', '${NOPE:-fallback}', 'fallback', true],
    ['a default when empty', '${EMPTY:-fallback}', 'fallback', true],
    ['the value over the default', '${A:-fallback}', 'alpha', true],
    ['an empty default', '${NOPE:-}', '', true],
    ['a default with a colon and slashes', '${NOPE:-http://x:1/y}', 'http://x:1/y', true],
    ['a set but empty variable', '${EMPTY}', '', true],
    ['$${ as a literal ${', 'cost $${A} and ${A}', 'cost ${A} and alpha', true],
    ['a lone $ (JSONata)', '$headers."x-id" & $event', '$headers."x-id" & $event', false],
    ['a file relative to the folder, trailing newline trimmed', '${file:token.txt}', 'tok-from-file', true],
    ['several references', '${A}-${PORT}', 'alpha-9000', true],
  ])('%s', (_name, text, value, hadReference) => {
    const result = interpolate(text, ctx);
    expect(result.value).toBe(value);
    expect(result.hadReference).toBe(hadReference);
    expect(result.missingVars).toEqual([]);
    expect(result.syntaxErrors).toEqual([]);
  });

  it('reports a missing variable by name, once, and expands it to ""', () => {
    const result = interpolate('${GONE}/${GONE}/${A}', ctx);
    expect(result.value).toBe('//alpha');
    expect(result.missingVars).toEqual(['GONE']);
  });

  it('reports an unreadable file by the path as written', () => {
    const result = interpolate('${file:missing/secret.txt}', ctx);
    expect(result.value).toBe('');
    expect(result.missingFiles).toEqual(['missing/secret.txt']);
  });

  it.each([['${A B}'], ['${1A}'], ['${A:?x}'], ['${A'], ['${file:}']])('rejects the malformed reference %s', (text) => {
    const result = interpolate(text, ctx);
    expect(result.syntaxErrors).toHaveLength(1);
    expect(result.syntaxErrors[0]).not.toContain('alpha');
  });
});
