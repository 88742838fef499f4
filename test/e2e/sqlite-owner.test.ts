/**
 * A SQLite store belongs to one `serve` at a time: a second one on the same file exits 1 at once,
 * naming the file and the running process, and a kill -9 of the first leaves no stale claim.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, type RouterProcess, startRouter, tempDir } from '../support/router-process.ts';

const ROUTES = `version: 1
store: sqlite:./data/owned.db
providers:
  p: { verify: { type: token, header: x-token, secret: "\${TOKEN}" } }
targets:
  t: { url: "http://127.0.0.1:9/t" }
routes:
  - { name: all, from: p, to: t }
`;

describe('one serve per SQLite file', () => {
  const dir = tempDir('hookgate-owner-');
  const env = { TOKEN: 'owner-test-token' };
  let first: RouterProcess | undefined;
  let third: RouterProcess | undefined;

  afterAll(async () => {
    await first?.stop('SIGKILL');
    await third?.stop();
    dir.remove();
  });

  it('refuses a second serve on the same file, names the holder, and frees the file when the first is killed -9', async () => {
    const config = dir.write('routes.yaml', ROUTES);
    first = await startRouter(['-c', config], env);

    const second = spawnSync(process.execPath, [BIN, 'serve', '-c', config, '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('owned.db');
    expect(second.stderr).toContain(`process ${first.child.pid}`);
    // The first one never noticed: it still takes events.
    expect((await first.post('p', '{"type":"x"}', { 'x-token': env.TOKEN })).status).toBe(202);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first!.child.once('exit', resolve));
    third = await startRouter(['-c', config], env);
    expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
  }, 60_000);
});
