import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandConfigPaths } from './find-files.ts';

const root = mkdtempSync(join(tmpdir(), 'hookgate-glob-'));
for (const file of ['a.yaml', 'b.yaml', 'c.yml', 'configs/x.yaml', 'configs/deep/y.yaml', '.hidden/z.yaml', 'node_modules/m.yaml']) {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), 'version: 1\n');
}

describe('expandConfigPaths', () => {
  it.each([
    [['*.yaml'], ['a.yaml', 'b.yaml']],
    [['?.yml'], ['c.yml']],
    [['configs/*.yaml'], ['configs/x.yaml']],
    [['**/*.yaml'], ['a.yaml', 'b.yaml', 'configs/deep/y.yaml', 'configs/x.yaml']],
    [['configs/**/y.yaml'], ['configs/deep/y.yaml']],
    [['.hidden/*.yaml'], ['.hidden/z.yaml']],
    [
      ['b.yaml', '*.yaml'],
      ['b.yaml', 'a.yaml'],
    ],
  ])('%j → %j', (patterns, expected) => {
    expect(expandConfigPaths(patterns, root)).toEqual({ files: expected, unmatched: [] });
  });

  it('keeps plain paths as given, even missing ones, and reports patterns that match nothing', () => {
    expect(expandConfigPaths(['nope.yaml', 'none/*.yaml'], root)).toEqual({ files: ['nope.yaml'], unmatched: ['none/*.yaml'] });
  });

  it('matches absolute patterns', () => {
    expect(expandConfigPaths([join(root, 'configs', '*.yaml')], '/').files).toEqual([join(root, 'configs', 'x.yaml')]);
  });
});
