/**
 * The inspector in a real browser (Debian's chromium through playwright-core) against a real
 * `hookgate serve` child process on 127.0.0.1 with a SQLite store and a loopback target that
 * fails until it is told to recover: sign in (a wrong token first), find the dead delivery by its
 * dedup key, replay it once the target is back, and see it delivered; the page fits a 390 px wide
 * phone; it loads nothing from anywhere but the router, breaks no Content-Security-Policy rule,
 * and never puts the token in a URL or a cookie. Screenshots go to test/artifacts/.
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const CHROMIUM = '/usr/bin/chromium';
const SECRET = 'inspector-shop-secret';
const ADMIN_TOKEN = 'inspector-admin-token-5f2c9a';
const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');
const FAILING_KEY = 'ord_1004';
/** A big order whose routine fire answers 502 until recovery: a run may have started (`unknown`). */
const UNKNOWN_KEY = 'ord_1003';

function config(): string {
  return `version: 1
store: sqlite:./data/inspector.db
providers:
  shop:
    verify: { type: hmac, header: x-signature, algorithm: sha256, encoding: hex, prefix: "sha256=", secret: "\${SHOP_SECRET}" }
    event: kind
    id: ref
targets:
  fulfilment:
    url: "\${SINK_URL}/fulfilment"
    retry: { maxAttempts: 2, initialDelay: 100ms, maxDelay: 200ms }
  triage-routine:
    routine: { url: "\${SINK_URL}/routines/trig_01demo/fire", token: "\${ROUTINE_TOKEN}" }
    budget: routine-runs
  carrier:
    url: "\${SINK_URL}/carrier"
  ledger:
    url: "\${SINK_URL}/ledger"
    retry: { initialDelay: 10m, maxDelay: 10m }
budgets:
  routine-runs: { limit: 20, per: 1d }
routes:
  - { name: ship-order, from: shop, events: [order.paid], map: '{"ref": ref, "total": total}', to: fulfilment }
  - name: triage-big-orders
    from: shop
    events: [order.paid]
    filter: total > 1000
    map: '"Check the big order " & ref & " (" & $string(total) & " EUR)"'
    to: triage-routine
  - { name: refunds, from: shop, events: [order.refunded], map: '{"ref": ref}', to: fulfilment }
  - { name: shipments, from: shop, events: [order.shipped], map: '{"ref": ref}', to: carrier }
  - { name: invoices, from: shop, events: [invoice.issued], map: '{"ref": ref}', to: ledger }
`;
}

function signed(body: object): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify(body);
  return { payload, headers: { 'x-signature': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}` } };
}

// Skipped on a machine without chromium, except in CI (.ci/run installs it and requires it).
const describeWithBrowser = existsSync(CHROMIUM) || process.env.HOOKGATE_E2E_BROWSER === 'required' ? describe : describe.skip;

describeWithBrowser('inspector in a real browser', () => {
  let sink: Sink;
  let dir: TempDir;
  let router: RouterProcess;
  let browser: BrowserContext;
  let profile: string;
  let recovered = false;
  /** Every URL the browser asked for, and every CSP violation or page error it reported. */
  const requested: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    sink = await startSink();
    sink.on('/fulfilment', function failsUntilRecovered(req) {
      const ref = (JSON.parse(req.body) as { ref: string }).ref;
      if (ref === FAILING_KEY && !recovered) return { status: 500, body: '{"error":"warehouse API offline"}' };
      return { status: 200, body: '{"ok":true}' };
    });
    // The carrier's API allows no more requests for now; the ledger's is down.
    sink.on('/carrier', () => ({ status: 429, headers: { 'retry-after': '600' }, body: '{"error":"slow down"}' }));
    sink.on('/ledger', () => ({ status: 500, body: '{"error":"ledger database unavailable"}' }));
    sink.on('/routines/trig_01demo/fire', (req) => {
      if (req.body.includes(UNKNOWN_KEY) && !recovered) return { status: 502, body: 'Bad Gateway' };
      return {
        status: 200,
        body: JSON.stringify({
          type: 'routine_fire',
          claude_code_session_id: 'session_01DemoInspector',
          claude_code_session_url: 'https://claude.ai/code/session_01DemoInspector',
        }),
      };
    });
    dir = tempDir('hookgate-inspector-');
    const file = dir.write('routes.yaml', config());
    router = await startRouter(['-c', file], {
      SHOP_SECRET: SECRET,
      SINK_URL: sink.url,
      ROUTINE_TOKEN: 'sk-ant-oat01-inspector-test',
      HOOKGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    });

    const orders = [
      { kind: 'order.paid', ref: 'ord_1001', total: 40 },
      { kind: 'order.paid', ref: 'ord_1002', total: 2500 },
      { kind: 'order.refunded', ref: 'ord_0998', total: 15 },
      { kind: 'order.paid', ref: UNKNOWN_KEY, total: 5000 },
      {
        kind: 'order.paid',
        ref: FAILING_KEY,
        total: 80,
        customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
        items: [{ sku: 'KB-01', qty: 1 }],
      },
    ];
    for (const order of orders) {
      const { payload, headers } = signed(order);
      expect((await router.post('shop', payload, headers)).status).toBe(202);
    }
    // Both failures are dead letters (500 twice; a routine's 502 at once, as unknown) before the browser looks.
    await waitUntil(
      async () => {
        const res = await fetch(`${router.url}/admin/deliveries?status=dead`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return ((await res.json()) as { items: unknown[] }).items.length === 2;
      },
      20_000,
      'the dead letters',
    );

    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(path.join(tmpdir(), 'hookgate-chromium-'));
    // A persistent context on a fresh profile folder: nothing from an earlier run carries over.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      colorScheme: 'light',
      reducedMotion: 'reduce',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await router?.stop();
    await sink?.close();
    dir?.remove();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** A new tab (its own sessionStorage, so it starts signed out) at the given size. */
  async function openPage(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
    const context = browser;
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => {
      // The wrong-token sign-in is the one refusal this test causes on purpose; a router without
      // budgets or groups answers 404 there, which the Budgets view shows as "none".
      const expected = r.status() === 401 || (r.status() === 404 && /\/admin\/(budgets|groups)$/.test(r.url()));
      if (r.status() >= 400 && !expected) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${router.url}/admin/`);
    return { context, page };
  }

  async function signIn(page: Page, token = ADMIN_TOKEN): Promise<void> {
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Form controls without an accessible name (a label, aria-label, or a button's text). */
  async function unlabelled(page: Page): Promise<string[]> {
    return page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => el.tagName === 'BUTTON'
        ? el.textContent.trim() === '' && !el.getAttribute('aria-label')
        : el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 120))`);
  }

  /** True when the page is no wider than the window (nothing to scroll sideways). */
  async function fitsWidth(page: Page): Promise<{ scroll: number; client: number }> {
    // A string: the test is type-checked without the DOM's types.
    return page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
  }

  it('refuses a wrong token with a clear message, then signs in, finds the dead delivery by its dedup key, replays it after the target recovers, and shows it delivered', async () => {
    const { context, page } = await openPage({ width: 1200, height: 900 });

    await signIn(page, 'not-the-admin-token');
    await page.getByRole('alert').filter({ hasText: 'Wrong admin token' }).waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);

    await signIn(page);
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    // Every event is listed, newest first, as a link whose text holds its dedup key.
    await page.getByRole('link', { name: FAILING_KEY }).waitFor();
    const keys = await page.locator('ul.events a').allTextContents();
    expect(keys).toEqual([FAILING_KEY, UNKNOWN_KEY, 'ord_0998', 'ord_1002', 'ord_1001']);
    await page.locator('.chart-summary').filter({ hasText: '5 events' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-events.png'), fullPage: true });

    // Dead letters: the bulk replay shows what it would re-queue first, and only then asks.
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await page.locator('ul.dead-list').getByRole('link', { name: 'ship-order → fulfilment' }).waitFor();
    await page.locator('ul.dead-list').getByRole('link', { name: 'triage-big-orders → triage-routine' }).waitFor();
    await page.getByRole('button', { name: /^Preview replay/ }).click();
    await page.getByText('1 delivery would be re-queued').waitFor();
    expect(await page.locator('ul.plan li').allTextContents()).toEqual([expect.stringContaining('ship-order → fulfilment')]);
    await page.getByRole('button', { name: 'Replay 1 delivery' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-dead-letters.png'), fullPage: true });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'Budgets' }).click();
    await page.getByRole('heading', { name: 'routine-runs' }).waitFor();
    await page.getByText('of 20 per 1d').waitFor();
    await page.getByText('No open groups.').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-budgets.png'), fullPage: true });
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.getByRole('heading', { name: /fulfilment/ }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-targets.png'), fullPage: true });
    await page.getByRole('link', { name: 'Events' }).click();

    await page.getByLabel('Search').fill(FAILING_KEY);
    await page.getByLabel('Search').press('Enter');
    await waitUntil(async () => (await page.locator('ul.events a').count()) === 1, 10_000, 'the search to narrow the list');
    await page.getByRole('link', { name: FAILING_KEY }).click();

    const delivery = page.getByRole('article', { name: 'Delivery ship-order to fulfilment, dead' });
    await delivery.waitFor();
    // The route that did not fire says why.
    expect(await page.locator('ul.outcomes').textContent()).toMatch(/triage-big-orders\s*not fired\s*filter/);
    expect(await delivery.textContent()).toContain('warehouse API offline');
    expect(await delivery.locator('ol.attempts li').count()).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-event.png'), fullPage: true });

    recovered = true;
    await delivery.getByRole('button', { name: 'Replay' }).click();
    await page.getByRole('status').filter({ hasText: 'Replay queued' }).waitFor();
    await page.getByRole('article', { name: 'Delivery ship-order to fulfilment, delivered' }).waitFor({ timeout: 20_000 });
    const sent = sink.received('/fulfilment').filter((r) => JSON.parse(r.body).ref === FAILING_KEY);
    expect(sent.map((r) => r.headers['idempotency-key'])).toEqual(Array(3).fill(sent[0]!.headers['idempotency-key']));
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-event-delivered.png'), fullPage: true });

    // The token travelled only in headers: no URL holds it and no cookie was set.
    expect(requested.filter((u) => u.includes(ADMIN_TOKEN))).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    await page.close();
  }, 120_000);

  it('fits a 390 px wide phone on the list, the event and the dead letters views, with a name on every control', async () => {
    const { page } = await openPage({ width: 390, height: 844 });
    expect(await fitsWidth(page)).toMatchObject({ scroll: 390 });
    await signIn(page);
    await page.getByRole('link', { name: FAILING_KEY }).waitFor();
    const list = await fitsWidth(page);
    expect(list.scroll).toBeLessThanOrEqual(list.client);
    expect(await unlabelled(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-phone-events.png'), fullPage: true });

    await page.getByRole('link', { name: FAILING_KEY }).click();
    await page.getByRole('article', { name: /^Delivery ship-order to fulfilment/ }).waitFor();
    // Open every collapsed part too: long keys, headers and bodies must wrap, not widen the page.
    await page.evaluate("for (const d of document.querySelectorAll('details')) d.open = true");
    const event = await fitsWidth(page);
    expect(event.scroll).toBeLessThanOrEqual(event.client);
    expect(await unlabelled(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-phone-event.png'), fullPage: true });

    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    const dead = await fitsWidth(page);
    expect(dead.scroll).toBeLessThanOrEqual(dead.client);
    expect(await unlabelled(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('asks before replaying an unknown outcome (a run may have started), and replays only when confirmed', async () => {
    const { page } = await openPage({ width: 1200, height: 900 });
    await signIn(page);
    await page.getByLabel('Search').fill(UNKNOWN_KEY);
    await page.getByLabel('Search').press('Enter');
    await page.getByRole('link', { name: UNKNOWN_KEY }).click();
    const delivery = page.getByRole('article', { name: 'Delivery triage-big-orders to triage-routine, unknown' });
    await delivery.waitFor();
    const fires = () => sink.received('/routines/trig_01demo/fire').filter((r) => r.body.includes(UNKNOWN_KEY)).length;
    expect(fires()).toBe(1);

    await delivery.getByRole('button', { name: 'Replay' }).click();
    await delivery.getByText('may have started a run already').waitFor();
    await delivery.getByRole('button', { name: 'Cancel' }).click();
    await delivery.getByRole('button', { name: 'Replay' }).click();
    await delivery.getByRole('button', { name: 'Replay anyway' }).click();
    await page.getByRole('article', { name: 'Delivery triage-big-orders to triage-routine, delivered' }).waitFor({ timeout: 20_000 });
    // Cancel sent nothing; the confirmed replay fired the routine exactly once more.
    expect(fires()).toBe(2);
    await page.close();
  }, 60_000);

  it('routes an ignored event again after routes.yaml gains a route for it, and shows the new delivery', async () => {
    const { payload, headers } = signed({ kind: 'order.cancelled', ref: 'ord_0997', total: 12 });
    expect((await router.post('shop', payload, headers)).status).toBe(200);
    const { page } = await openPage({ width: 1200, height: 900 });
    await signIn(page);
    await page.getByRole('link', { name: 'ord_0997' }).click();
    await page.getByText('event type "order.cancelled" is not in events').first().waitFor();

    dir.write(
      'routes.yaml',
      `${config()}  - { name: cancellations, from: shop, events: [order.cancelled], map: '{"ref": ref}', to: fulfilment }\n`,
    );
    await waitUntil(() => router.logs.some((l) => l.msg === 'config reloaded'), 15_000, 'the config reload');
    await page.getByRole('button', { name: 'Route again' }).click();
    await page.getByRole('status').filter({ hasText: 'Routed again: 1 new delivery.' }).waitFor();
    await page.getByRole('article', { name: 'Delivery cancellations to fulfilment, delivered' }).waitFor({ timeout: 20_000 });
    await page.close();
  }, 60_000);

  /** Presses Tab until `focused` (a page expression) is true: proves the control is reachable by keyboard. */
  async function tabUntil(page: Page, focused: string, max = 40): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate<boolean>(focused)) return;
    }
    throw new Error(`keyboard: ${focused} was not reached in ${max} Tab presses`);
  }

  it('works by keyboard alone: sign in, search, open an event, reach its routine session link', async () => {
    const { page } = await openPage({ width: 1200, height: 900 });
    // The token field has the focus when the page opens.
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Events' }).waitFor();

    await tabUntil(page, "document.activeElement?.id === 'f-q'");
    await page.keyboard.type('ord_1002');
    await page.keyboard.press('Enter');
    await waitUntil(async () => (await page.locator('ul.events a').count()) === 1, 10_000, 'the search to narrow the list');
    await tabUntil(page, "document.activeElement?.textContent === 'ord_1002'");
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Event ord_1002' }).waitFor();
    await tabUntil(page, "document.activeElement?.textContent === 'Routine session'");
    expect(await page.evaluate<string>('document.activeElement.href')).toBe('https://claude.ai/code/session_01DemoInspector');
    await page.close();
  }, 60_000);

  it('shows a target answering 429 with Retry-After as rate limited and one answering 500 as failing, on a phone too', async () => {
    for (const event of [
      { kind: 'order.shipped', ref: 'shp_2001' },
      { kind: 'invoice.issued', ref: 'inv_3001' },
    ]) {
      const { payload, headers } = signed(event);
      expect((await router.post('shop', payload, headers)).status).toBe(202);
    }
    await sink.waitFor(() => sink.received('/carrier').length === 1 && sink.received('/ledger').length === 1, 20_000);

    const { page } = await openPage({ width: 390, height: 844 });
    await signIn(page);
    await page.getByRole('link', { name: 'Targets' }).click();
    // The view refreshes every 5 s: the answers are recorded just after the sink saw the requests.
    const carrier = page.getByRole('article', { name: 'Target carrier, rate limited' });
    const ledger = page.getByRole('article', { name: 'Target ledger, failing' });
    await carrier.waitFor({ timeout: 20_000 });
    await ledger.waitFor({ timeout: 20_000 });
    expect(await carrier.locator('.badge').textContent()).toBe('rate limited');
    expect(await carrier.textContent()).toMatch(/Asked to wait \(429\): 1 delivery until/);
    expect(await ledger.locator('.badge').textContent()).toBe('failing');
    expect(await ledger.textContent()).toMatch(/Last failure: HTTP 500 at .*1 delivery waiting to retry/);
    // Every target of the config is listed, the troubled ones first.
    const names = await page.locator('ul.targets article').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    expect(names.slice(0, 2)).toEqual(['Target ledger, failing', 'Target carrier, rate limited']);
    expect(names).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Target fulfilment, /), expect.stringMatching(/^Target triage-routine, /)]),
    );

    const fits = await fitsWidth(page);
    expect(fits.scroll).toBeLessThanOrEqual(fits.client);
    expect(await unlabelled(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'inspector-phone-targets.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('asked nothing of any other origin and broke no Content-Security-Policy rule', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((u) => !u.startsWith(`${router.url}/`))).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('inspector without HOOKGATE_ADMIN_TOKEN', () => {
  it('does not exist: the page and its files answer 404 like the rest of /admin', async () => {
    const dir = tempDir('hookgate-inspector-off-');
    const file = dir.write(
      'routes.yaml',
      `version: 1
store: sqlite:./data/off.db
providers:
  shop:
    verify: { type: none }
targets:
  t: { url: "http://127.0.0.1:9/none" }
routes:
  - { name: r, from: shop, events: ["*"], map: "$", to: t }
`,
    );
    const router = await startRouter(['-c', file], {});
    try {
      for (const url of ['/admin/', '/admin', '/admin/assets/app.js', '/admin/assets/preact.js', '/admin/events']) {
        expect((await fetch(`${router.url}${url}`, { redirect: 'manual' })).status, url).toBe(404);
      }
    } finally {
      await router.stop();
      dir.remove();
    }
  });
});
