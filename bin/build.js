#!/usr/bin/env node
// `npm run build`: compiles src/ into dist/ and then records which sources it compiled, so that
// bin/hookgate.js runs dist/ only while the sources are unchanged. The fingerprint is taken before
// compiling (an edit made during the build makes dist/ stale, not wrongly fresh), and the old stamp
// is removed first, so a failed build leaves dist/ unused.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceStamp } from './source-stamp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = path.join(root, STAMP_FILE);
rmSync(stampFile, { force: true });
const stamp = sourceStamp(root);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
mkdirSync(path.dirname(stampFile), { recursive: true });
writeFileSync(stampFile, `${stamp}\n`);
