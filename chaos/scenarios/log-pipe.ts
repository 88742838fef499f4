/**
 * The log destination fails: the router's stdout pipe is closed by its reader (as when a log
 * shipper dies). Ingress and delivery must go on; lines are dropped, never block or crash.
 */
import { startRouter } from '../../test/support/router-process.ts';
import { startSink } from '../../test/support/sink.ts';
import { arrivals, ENV, emptyFigures, type Figures, postEvent, routesYaml, signedEvent, waitUntil, workDir } from '../lib.ts';

export async function logPipe(options: { readonly events: number }): Promise<Figures> {
  const figures = emptyFigures();
  const sink = await startSink();
  const dir = workDir('logpipe');
  const config = dir.write('routes.yaml', routesYaml(sink, 'sqlite:./chaos.db'));
  const router = await startRouter(['-c', config], ENV);
  try {
    // Close our end of its stdout: every later write of the router meets EPIPE.
    router.child.stdout?.destroy();
    const ids: string[] = [];
    for (let i = 0; i < options.events; i++) {
      const id = `evt_logpipe_${i}`;
      const { payload, headers } = signedEvent(id);
      const status = await postEvent(router.url, 'stripe', payload, headers);
      if (status === 202) ids.push(id);
      else if (status >= 500) figures.serverErrors++;
      else if (status === 0) {
        figures.notes.push(`request ${i} got no answer: the router stopped answering`);
        figures.serverErrors++;
        break;
      }
    }
    figures.acknowledged = ids.length;
    await waitUntil(() => ids.every((id) => arrivals(sink, '/plain').has(id)), 20_000);
    figures.lost = ids.filter((id) => !arrivals(sink, '/plain').has(id)).length + (options.events - ids.length);
    const health = await fetch(`${router.url}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (health !== 200) figures.notes.push(`/healthz answered ${health} after the pipe closed`);
    const metrics = await fetch(`${router.url}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    const dropped = /^hookgate_log_dropped_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1];
    figures.notes.push(
      `router ${router.child.exitCode === null ? 'still running' : `exited with ${router.child.exitCode}`}; hookgate_log_dropped_total ${dropped ?? 'absent'}`,
    );
    if (router.child.exitCode !== null) figures.serverErrors++;
    return figures;
  } finally {
    await router.stop('SIGKILL');
    await sink.close();
    dir.remove();
  }
}
