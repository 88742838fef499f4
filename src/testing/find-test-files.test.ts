import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTestFiles } from './find-test-files.ts';

const root = mkdtempSync(path.join(tmpdir(), 'hookgate-find-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(rel: string): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'tests: []\n');
  return file;
}

describe('findTestFiles', () => {
  it('finds *.test.yaml and *.test.yml recursively, sorted, skipping hidden and node_modules folders', () => {
    const b = touch('tests/b.test.yaml');
    const a = touch('tests/sub/a.test.yml');
    touch('tests/fixture.yaml');
    touch('tests/.hidden/c.test.yaml');
    touch('tests/node_modules/d.test.yaml');
    expect(findTestFiles(['tests'], root)).toEqual({ files: [b, a].sort(), missing: [] });
  });

  it('takes a file named directly whatever its name, and reports missing paths', () => {
    const named = touch('other/cases.yaml');
    const found = findTestFiles(['other/cases.yaml', 'nope'], root);
    expect(found).toEqual({ files: [named], missing: [path.join(root, 'nope')] });
  });
});
