// Decides whether `hookgate` may run the compiled dist/ or must run the TypeScript sources.
// dist/ is run only when it was built from exactly the sources in the tree now: the build writes a
// fingerprint of those sources (their paths and bytes, not their times, so a checkout, a copy or
// an editor that keeps modification times cannot make a stale dist look fresh) into
// dist/.source-stamp, and every start compares it with a fingerprint of the tree.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const STAMP = 'dist/.source-stamp';
const ENTRY = 'dist/cli/main.js';
/** Files besides src/**.ts whose content changes what tsc emits. */
const BUILD_INPUTS = ['tsconfig.json', 'tsconfig.build.json'];

/** sha256 over the path and bytes of every compiled source (tests excluded: the build skips them). */
export function sourceStamp(root) {
  const sources = readdirSync(path.join(root, 'src'), { recursive: true })
    .map((file) => String(file).split(path.sep).join('/'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => `src/${file}`)
    .sort();
  const hash = createHash('sha256');
  for (const file of [...BUILD_INPUTS, ...sources]) {
    const full = path.join(root, file);
    hash.update(file);
    hash.update('\0');
    hash.update(existsSync(full) ? readFileSync(full) : '(absent)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** dist/cli/main.js when it is built from the current sources, else null (run the sources). */
export function freshBuild(root) {
  const entry = path.join(root, ENTRY);
  const stampFile = path.join(root, STAMP);
  if (!existsSync(entry) || !existsSync(stampFile)) return null;
  // Without sources (an image that ships dist/ only) there is nothing dist/ could be stale against.
  if (!existsSync(path.join(root, 'src'))) return entry;
  return readFileSync(stampFile, 'utf8').trim() === sourceStamp(root) ? entry : null;
}

export const STAMP_FILE = STAMP;
