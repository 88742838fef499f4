#!/usr/bin/env node
import path from 'node:path';
import { pathToFileURL } from 'node:url';
// Runs a TypeScript file directly (`node bin/run-ts.js bench/run.ts --quick`): tsx registers its
// ESM loader, then the file named by argv[2] is imported with the remaining arguments in argv.
import { register } from 'tsx/esm/api';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bin/run-ts.js <file.ts> [args...]');
  process.exit(2);
}
register();
// The script sees itself as argv[1], as under `node file.js`, so its own "am I the entry point" check holds.
process.argv.splice(1, 2, path.resolve(file));
await import(pathToFileURL(path.resolve(file)).href);
