/**
 * kill -9 under load, in a loop: a provider keeps posting signed events (and re-sends any that
 * got no answer, as providers do) while the router is killed at random moments and restarted on
 * the same SQLite file. Afterwards every acknowledged event must have reached the plain target,
 * and no routine may have been fired twice for one event.
 */
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

export interface Kill9Options {
  readonly rounds: number;
  readonly eventsPerRound: number;
}

const ADMIN = 'chaos-admin-token-0123456789';

export async function kill9(options: Kill9Options): Promise<Figures> {
  const figures = emptyFigures();
  const sink = await startSink();
  // Slow enough that deliveries are in flight when the process dies.
  sink.on('/routine/fire', () => ({ status: 200, delayMs: 15, body: '{"type":"routine_fire","claude_code_session_id":"session_x"}' }));
  sink.on('/plain', () => ({ status: 200, delayMs: 15 }));
  const dir = workDir('kill9');
  const config = dir.write('routes.yaml', routesYaml(sink, 'sqlite:./chaos.db'));
  const env = { ...ENV, HOOKGATE_ADMIN_TOKEN: ADMIN };
  const acked = new Set<string>();
  const unanswered = new Set<string>();
  let next = 0;
  let router: RouterProcess | undefined;
  try {
    for (let round = 0; round < options.rounds; round++) {
      const startedAt = Date.now();
      router = await startRouter(['-c', config], env);
      figures.recoveryMs = Math.max(figures.recoveryMs, await timeToHealthy(router.url, startedAt));
      const current = router;
      // Re-send what got no answer last round first, then new events.
      const ids = [...unanswered];
      unanswered.clear();
      for (let i = 0; i < options.eventsPerRound; i++) ids.push(`evt_chaos_${next++}`);
      // Somewhere inside the burst: early enough to catch requests and deliveries in flight.
      const killAfter = 50 + Math.floor(Math.random() * Math.max(100, ids.length * 5));
      let sent = 0;
      const killer = setTimeout(() => current.child.kill('SIGKILL'), killAfter);
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (sent < ids.length) {
            const id = ids[sent++]!;
            const { payload, headers } = signedEvent(id);
            const status = await postEvent(current.url, 'stripe', payload, headers);
            // 200 is a duplicate: an earlier copy whose answer the kill swallowed was committed.
            if (status === 202 || status === 200) acked.add(id);
            else if (status >= 500 && status !== 503) figures.serverErrors++;
            else unanswered.add(id);
          }
        }),
      );
      clearTimeout(killer);
      current.child.kill('SIGKILL');
      await new Promise((resolve) =>
        current.child.exitCode !== null || current.child.signalCode !== null ? resolve(null) : current.child.once('exit', resolve),
      );
    }
    // The last start: the provider re-sends what got no answer, and everything acknowledged is delivered.
    const startedAt = Date.now();
    router = await startRouter(['-c', config], env);
    figures.recoveryMs = Math.max(figures.recoveryMs, await timeToHealthy(router.url, startedAt));
    for (const id of unanswered) {
      const { payload, headers } = signedEvent(id);
      const status = await postEvent(router.url, 'stripe', payload, headers);
      if (status === 202 || status === 200) acked.add(id);
      else figures.notes.push(`${id} still unanswered after the last restart (${status})`);
    }
    await waitUntil(() => [...acked].every((id) => arrivals(sink, '/plain').has(id)), 60_000);
    // Let anything still queued settle, so a second fire would show.
    await new Promise((r) => setTimeout(r, 1_000));
    const plain = arrivals(sink, '/plain');
    const routine = arrivals(sink, '/routine/fire');
    figures.acknowledged = acked.size;
    figures.lost = [...acked].filter((id) => !plain.has(id)).length;
    figures.firedTwice = [...routine.values()].filter((n) => n > 1).length;
    const dead = await fetch(`${router.url}/admin/deliveries?status=dead&target=routine&limit=500`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const items = ((await dead.json()) as { items?: Array<{ dead_reason?: string }> }).items ?? [];
    figures.unknown = items.filter((d) => d.dead_reason === 'unknown').length;
    figures.notes.push(
      `${options.rounds} kills, ${next} events sent, ${plain.size} reached the plain target, ${routine.size} fired a routine`,
    );
    return figures;
  } finally {
    await router?.stop('SIGKILL');
    await sink.close();
    dir.remove();
  }
}
