/**
 * A router whose log destination fails keeps serving: webhooks are accepted, /healthz answers,
 * and the lines it could not write are counted in hookgate_log_dropped_total.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { yamlText } from '../../test/support/config.ts';
import { parseExposition } from '../../test/support/metrics-parse.ts';
import { createRouter, type RouterOptions } from './create-router.ts';

const CONFIG = yamlText`
  version: 1
  store: sqlite:./log.db
  providers:
    open: { verify: { type: none } }
  targets:
    sink: { url: "http://127.0.0.1:9/never-called" }
  routes:
    - { name: all, from: open, to: sink }
`;

async function exercise(logDestination: RouterOptions['logDestination']): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookgate-logfail-'));
  const file = path.join(dir, 'routes.yaml');
  writeFileSync(file, CONFIG);
  const start = await createRouter({ config: file, port: 0, env: { LOG_LEVEL: 'info' }, watch: false, worker: false, logDestination });
  if (!start.ok) throw new Error(start.lines.join('\n'));
  const { router } = start;
  try {
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${router.url}/webhooks/open`, {
        method: 'POST',
        body: JSON.stringify({ id: `evt_${i}`, type: 'x' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(202);
    }
    expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
    const deadline = Date.now() + 10_000;
    let dropped = 0;
    while (dropped < 20 && Date.now() < deadline) {
      dropped = parseExposition(await (await fetch(`${router.url}/metrics`)).text()).value('hookgate_log_dropped_total', {});
      if (dropped < 20) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // "listening" and one "event received" per webhook at least.
    expect(dropped).toBeGreaterThanOrEqual(21);
  } finally {
    await router.shutdown('test');
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a failing log destination', () => {
  it.skipIf(!existsSync('/dev/full'))('on a full disk (/dev/full): serves, answers /healthz, counts the dropped lines', async () => {
    const fd = openSync('/dev/full', 'w');
    try {
      await exercise({ fd, retryAfterMs: 60_000 });
    } finally {
      closeSync(fd);
    }
  });

  it('on a closed pipe: serves, answers /healthz, counts the dropped lines', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((resolve) => child.once('exit', resolve));
    await exercise({ stream: child.stdin! });
  });
});
