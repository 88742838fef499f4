/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): self time by function and by
 * package, and total (inclusive) time of the functions that matter for a request.
 *   node bin/run-ts.js bench/profile-summary.ts bench/results/profiles/ingest.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

function where(n: ProfileNode): string {
  const url = n.callFrame.url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, 'nm:')
    .replace(/.*\/work\/main\//, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
}

function pkg(n: ProfileNode): string {
  const url = n.callFrame.url;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/work/main/src/')) return `src/${url.split('/work/main/src/')[1]!.split('/')[0]}`;
  if (url.startsWith('node:')) return url;
  return url === '' ? n.callFrame.functionName || '(native)' : url;
}

function tally(key: (n: ProfileNode) => string, inclusive: boolean): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = inclusive ? parent.get(cur) : undefined) {
      const k = key(byId.get(cur)!);
      if (!seen.has(k)) sums.set(k, (sums.get(k) ?? 0) + us);
      seen.add(k);
    }
  }
  return [...sums.entries()].sort((a, b) => b[1] - a[1]);
}

function print(title: string, rows: Array<[string, number]>): void {
  console.log(`\n${title}`);
  for (const [k, us] of rows.slice(0, top)) console.log(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

console.log(`${(totalUs / 1e6).toFixed(2)} s sampled`);
print('self time by package', tally(pkg, false));
print('self time by function', tally(where, false));
print('total time by function', tally(where, true));
