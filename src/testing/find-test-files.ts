/**
 * Which test files to run: every `*.test.yaml` (or `.test.yml`) under the given folders,
 * recursively, plus files named directly. Sorted, so the output is stable.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface FoundTestFiles {
  readonly files: readonly string[];
  /** Paths given that do not exist. */
  readonly missing: readonly string[];
}

const TEST_FILE = /\.test\.ya?ml$/i;

export function isTestFileName(name: string): boolean {
  return TEST_FILE.test(name);
}

/** `paths` are resolved against `cwd`; a file named directly is taken whatever its name. */
export function findTestFiles(paths: readonly string[], cwd: string): FoundTestFiles {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    const stat = statSync(abs, { throwIfNoEntry: false });
    if (!stat) missing.push(abs);
    else if (stat.isDirectory()) walk(abs, files);
    else files.add(abs);
  }
  return { files: [...files].sort(), missing };
}

function walk(dir: string, into: Set<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, into);
    else if (entry.isFile() && isTestFileName(entry.name)) into.add(full);
  }
}
