/**
 * The store's disk fills up mid-stream (a small tmpfs, then a filler file): the router answers
 * 503 (the provider retries) instead of acknowledging what it could not store, never a 500, and
 * after space is freed and the process restarted, every acknowledged event is delivered. While
 * the disk is full /readyz answers 503 (a load balancer stops sending), and 200 again after.
 * Needs root to mount a tmpfs; skipped with a note elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RouterProcess, startRouter } from '../../test/support/router-process.ts';
import { startSink } from '../../test/support/sink.ts';
import {
  arrivals,
  ENV,
  emptyFigures,
  type Figures,
  postEvent,
  routesYaml,
  signedEvent,
  timeToHealthy,
  waitUntil,
  workDir,
} from '../lib.ts';

function fill(dir: string): void {
  const chunk = Buffer.alloc(64 * 1024, 0);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(path.join(dir, `filler-${i}`), chunk);
    } catch {
      return;
    }
  }
}

async function readyz(url: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${url}/readyz`);
  const body = (await res.json()) as { code?: string };
  return { status: res.status, ...(body.code ? { code: body.code } : {}) };
}

export async function diskFull(options: { readonly events: number }): Promise<Figures> {
  const figures = emptyFigures();
  const dir = workDir('diskfull');
  const data = path.join(dir.dir, 'data');
  mkdirSync(data);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', data], { stdio: 'ignore' });
  } catch {
    dir.remove();
    figures.notes.push('skipped: cannot mount a tmpfs here (needs root)');
    return figures;
  }
  const sink = await startSink();
  const config = dir.write('routes.yaml', routesYaml(sink, 'sqlite:./data/chaos.db'));
  let router: RouterProcess | undefined;
  const acked: string[] = [];
  const statuses = new Map<number, number>();
  try {
    router = await startRouter(['-c', config], ENV);
    const send = async (id: string) => {
      const { payload, headers } = signedEvent(id);
      const status = await postEvent(router!.url, 'stripe', payload, headers);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 202) acked.push(id);
      else if ((status >= 500 && status !== 503) || status === 0) figures.serverErrors++;
    };
    for (let i = 0; i < options.events / 2; i++) await send(`evt_disk_a${i}`);
    fill(data);
    for (let i = 0; i < options.events / 2; i++) await send(`evt_disk_b${i}`);
    const whileFull = await readyz(router.url);
    if (whileFull.status !== 503 || whileFull.code !== 'store_unavailable') {
      figures.problems.push(`/readyz answered ${whileFull.status} ${whileFull.code ?? ''} while the disk was full`);
    }
    await router.stop('SIGKILL');
    for (const name of readdirSync(data)) if (name.startsWith('filler-')) rmSync(path.join(data, name));
    const startedAt = Date.now();
    router = await startRouter(['-c', config], ENV);
    figures.recoveryMs = await timeToHealthy(router.url, startedAt);
    figures.acknowledged = acked.length;
    await waitUntil(() => acked.every((id) => arrivals(sink, '/plain').has(id)), 30_000);
    figures.lost = acked.filter((id) => !arrivals(sink, '/plain').has(id)).length;
    const afterRestart = await readyz(router.url);
    if (afterRestart.status !== 200) figures.problems.push(`/readyz answered ${afterRestart.status} after space was freed`);
    const after = signedEvent('evt_disk_after');
    const res = { status: await postEvent(router.url, 'stripe', after.payload, after.headers) };
    figures.notes.push(
      `answers while filling: ${[...statuses.entries()].map(([s, n]) => `${n}x${s}`).join(' ')}; /readyz while full: ${whileFull.status}; ` +
        `after restart with space: ${res.status}, /readyz ${afterRestart.status}`,
    );
    return figures;
  } finally {
    await router?.stop('SIGKILL');
    await sink.close();
    try {
      execFileSync('umount', ['-l', data], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
    dir.remove();
  }
}
