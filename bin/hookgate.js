#!/usr/bin/env -S node --
// The `--` above ends node's own options: Node 20 otherwise reads an `--env-file` meant for
// hookgate itself and exits with its own error (code 9) when that file is missing.
//
// Runs the compiled dist/cli/main.js when `npm run build` made it from exactly the sources in the
// tree (about a second faster per call), else the TypeScript sources through tsx's loader, so a
// stale build never runs old code.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBuild } from './source-stamp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = freshBuild(root);
if (built !== null) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
