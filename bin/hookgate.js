#!/usr/bin/env node
// Runs the TypeScript sources directly (no separate build step): tsx registers its ESM loader,
// then the CLI entry is imported. A built image runs dist/cli/main.js instead (see Dockerfile).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
