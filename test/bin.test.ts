/**
 * bin/hookgate.js runs dist/ only when the build stamp matches the sources in the tree: a stale
 * build must never run old code.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshBuild, STAMP_FILE, sourceStamp } from '../bin/source-stamp.js';

let root: string;

function write(rel: string, text: string): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** What `npm run build` leaves behind: dist/cli/main.js and the stamp of the sources it compiled. */
function build(): void {
  write('dist/cli/main.js', '// compiled\n');
  write(STAMP_FILE, `${sourceStamp(root)}\n`);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'hookgate-stamp-'));
  write('tsconfig.json', '{}');
  write('tsconfig.build.json', '{}');
  write('src/cli/main.ts', 'export const a = 1;\n');
  write('src/util/units.ts', 'export const b = 2;\n');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('freshBuild', () => {
  it('runs the build when it was made from exactly these sources', () => {
    build();
    expect(freshBuild(root)).toBe(path.join(root, 'dist/cli/main.js'));
  });

  it('runs the sources when any compiled source or the compiler settings changed since the build', () => {
    build();
    write('src/util/units.ts', 'export const b = 3;\n');
    expect(freshBuild(root)).toBeNull();
    build();
    write('src/new-module.ts', 'export {};\n');
    expect(freshBuild(root)).toBeNull();
    build();
    write('tsconfig.build.json', '{"compilerOptions":{}}');
    expect(freshBuild(root)).toBeNull();
  });

  it('compares contents, not times: a file restored to what was built counts as built', () => {
    build();
    write('src/util/units.ts', 'export const b = 3;\n');
    write('src/util/units.ts', 'export const b = 2;\n');
    expect(freshBuild(root)).toBe(path.join(root, 'dist/cli/main.js'));
  });

  it('ignores test files, which the build leaves out', () => {
    build();
    write('src/util/units.test.ts', 'it.todo("x");\n');
    expect(freshBuild(root)).toBe(path.join(root, 'dist/cli/main.js'));
  });

  it('runs the sources when there is no build, or a build without its stamp (a failed or foreign build)', () => {
    expect(freshBuild(root)).toBeNull();
    build();
    rmSync(path.join(root, STAMP_FILE));
    expect(freshBuild(root)).toBeNull();
  });

  it('runs a stamped build where no sources ship (an image with dist/ only)', () => {
    build();
    rmSync(path.join(root, 'src'), { recursive: true });
    expect(freshBuild(root)).toBe(path.join(root, 'dist/cli/main.js'));
  });
});
