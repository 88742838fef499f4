/**
 * A target that is down for maintenance (503 with Retry-After) and then comes back: every acknowledged event reaches it
 * once it recovers, and the time from recovery to the last delivery is reported.
 */
import { startRouter } from '../../test/support/router-process.ts';
import { startSink } from '../../test/support/sink.ts';
import { arrivals, ENV, emptyFigures, type Figures, postEvent, routesYaml, signedEvent, waitUntil, workDir } from '../lib.ts';

export async function outage(options: { readonly events: number; readonly downMs: number }): Promise<Figures> {
  const figures = emptyFigures();
  const sink = await startSink();
  let downUntil = Date.now() + 60_000;
  // Down for maintenance: 503 with Retry-After, which spends no attempt; the breaker pauses it too.
  const answer = (ok: string) => () =>
    Date.now() < downUntil ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200, body: ok };
  sink.on('/plain', answer('{}'));
  sink.on('/routine/fire', answer('{"type":"routine_fire","claude_code_session_id":"session_y"}'));
  const dir = workDir('outage');
  const config = dir.write('routes.yaml', routesYaml(sink, 'sqlite:./chaos.db', '', '\n    circuitBreaker: { cooldown: 1s }'));
  const router = await startRouter(['-c', config], ENV);
  try {
    const ids: string[] = [];
    for (let i = 0; i < options.events; i++) {
      const id = `evt_outage_${i}`;
      const { payload, headers } = signedEvent(id);
      const status = await postEvent(router.url, 'stripe', payload, headers);
      if (status === 202) ids.push(id);
      else if (status >= 500 || status === 0) figures.serverErrors++;
    }
    figures.acknowledged = ids.length;
    await new Promise((r) => setTimeout(r, options.downMs));
    downUntil = Date.now();
    const recovered = Date.now();
    const done = await waitUntil(() => {
      const plain = arrivals(sink, '/plain');
      return ids.every((id) => plain.has(id));
    }, 60_000);
    figures.recoveryMs = Date.now() - recovered;
    const plain = arrivals(sink, '/plain');
    figures.lost = ids.filter((id) => !plain.has(id)).length;
    // A 503 proves no run started: the routine is retried, and fired (answered 200) once per event.
    await waitUntil(() => arrivals(sink, '/routine/fire', recovered).size === ids.length, 30_000);
    figures.firedTwice = [...arrivals(sink, '/routine/fire', recovered).values()].filter((n) => n > 1).length;
    figures.notes.push(
      `target down ${options.downMs} ms; ${done ? 'all delivered' : 'NOT all delivered'} ${figures.recoveryMs} ms after it came back`,
    );
    return figures;
  } finally {
    await router.stop('SIGKILL');
    await sink.close();
    dir.remove();
  }
}
