/**
 * Expands config file arguments: plain paths stay as given (a missing one is reported when it is
 * read); patterns with `*`, `?` or `**` are matched against the file system (Node 20 has no
 * fs.globSync). Hidden entries and node_modules are skipped unless the pattern names them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ExpandedPaths {
  /** Paths to load, in argument order, each once; matches of one pattern sorted. */
  readonly files: string[];
  /** Patterns that matched no file. */
  readonly unmatched: string[];
}

export function isPattern(arg: string): boolean {
  return /[*?]/.test(arg);
}

export function expandConfigPaths(args: readonly string[], cwd: string = process.cwd()): ExpandedPaths {
  const files: string[] = [];
  const unmatched: string[] = [];
  for (const arg of args) {
    const found = isPattern(arg) ? matchPattern(arg, cwd) : [arg];
    if (found.length === 0) unmatched.push(arg);
    for (const f of found) if (!files.includes(f)) files.push(f);
  }
  return { files, unmatched };
}

function matchPattern(pattern: string, cwd: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s) => s !== '' && s !== '.');
  const results: string[] = [];
  walk(absolute ? '/' : '', segments);
  return results.sort();

  function walk(prefix: string, rest: readonly string[]): void {
    const [segment, ...tail] = rest;
    if (segment === undefined) {
      if (isFile(prefix)) results.push(prefix);
      return;
    }
    if (segment === '**') {
      walk(prefix, tail);
      for (const dir of list(prefix)) if (isVisible(dir, segment) && isDirectory(join(prefix, dir))) walk(join(prefix, dir), rest);
      return;
    }
    if (!isPattern(segment)) {
      walk(prefix === '' ? segment : join(prefix, segment), tail);
      return;
    }
    const regex = segmentRegex(segment);
    for (const name of list(prefix)) if (isVisible(name, segment) && regex.test(name)) walk(join(prefix, name), tail);
  }

  function list(dir: string): string[] {
    try {
      return readdirSync(resolve(cwd, dir === '' ? '.' : dir));
    } catch {
      return [];
    }
  }

  function isFile(path: string): boolean {
    try {
      return statSync(resolve(cwd, path)).isFile();
    } catch {
      return false;
    }
  }

  function isDirectory(path: string): boolean {
    try {
      return statSync(resolve(cwd, path)).isDirectory();
    } catch {
      return false;
    }
  }
}

function isVisible(name: string, segment: string): boolean {
  if (name.startsWith('.') && !segment.startsWith('.')) return false;
  return name !== 'node_modules' || segment === 'node_modules';
}

function segmentRegex(segment: string): RegExp {
  const body = segment
    .split('')
    .map((ch) => (ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
