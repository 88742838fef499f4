/**
 * `hookgate plan` as a team would use it: a day of mixed Stripe, GitHub and Sentry traffic,
 * signed with the providers' own signers and taken in by the real ingest pipeline into a SQLite
 * file (arrivals spread over 24 hours), looked at with `hookgate events`, exported with `hookgate
 * events export`, and a routes.yaml change (a tightened filter, a changed map) planned against
 * the store and against the exported folder, in all three formats, with --fail-on and a base
 * read from git.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sign as githubSign } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.ts';
import { ingest } from '../../src/pipeline/ingest.ts';
import { loadAndCompile } from '../../src/server/load-config.ts';
import { openStore } from '../../src/store/open.ts';
import { BIN, REPO_ROOT, type TempDir, tempDir } from '../support/router-process.ts';

const ENV = {
  STRIPE_WEBHOOK_SECRET: 'whsec_plan_e2e_stripe_0123456789abcdef',
  GITHUB_WEBHOOK_SECRET: 'plan-e2e-github-secret-0123456789',
  SENTRY_CLIENT_SECRET: 'plan-e2e-sentry-client-secret-0123456789',
  ONBOARDING_ROUTINE_TOKEN: 'sk-ant-oat01-plan-e2e-onboarding-token',
  REVIEW_ROUTINE_TOKEN: 'sk-ant-oat01-plan-e2e-review-token',
  TRIAGE_ROUTINE_TOKEN: 'sk-ant-oat01-plan-e2e-triage-token',
  BILLING_API_TOKEN: 'billing-api-token-plan-e2e-0123456789',
};

const BASE = `version: 1
store: sqlite:./data/hookgate.db
providers:
  stripe:
    verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}", tolerance: 5m }
  github:
    verify: { type: github, secret: "\${GITHUB_WEBHOOK_SECRET}" }
  sentry:
    verify: { type: sentry, secret: "\${SENTRY_CLIENT_SECRET}" }
budgets:
  routine-runs: { limit: 15, per: 1d }
targets:
  onboarding-routine:
    routine: { url: "http://127.0.0.1:9/onboarding/fire", token: "\${ONBOARDING_ROUTINE_TOKEN}" }
    budget: routine-runs
  review-routine:
    routine: { url: "http://127.0.0.1:9/review/fire", token: "\${REVIEW_ROUTINE_TOKEN}" }
    budget: routine-runs
  triage-routine:
    routine: { url: "http://127.0.0.1:9/triage/fire", token: "\${TRIAGE_ROUTINE_TOKEN}" }
    budget: routine-runs
  billing-api:
    url: http://127.0.0.1:9/billing
    auth: { bearer: "\${BILLING_API_TOKEN}" }
routes:
  - name: stripe-onboarding-draft
    from: stripe
    events: [customer.subscription.created]
    filter: data.object.status in ["active", "trialing"]
    map: |
      { "event": $event, "customer_id": data.object.customer, "plan": data.object.items.data[0].price.nickname, "received": $receivedAt }
    to: onboarding-routine
  - name: stripe-payment-failed
    from: stripe
    events: [invoice.payment_failed]
    map: '{ "customer": data.object.customer, "amount_due": data.object.amount_due }'
    to: billing-api
  - name: github-pr-review
    from: github
    events: [pull_request.opened]
    filter: pull_request.draft = false
    map: '"Review #" & $string(number) & ": " & pull_request.title'
    to: review-routine
  - name: sentry-issue-triage
    from: sentry
    events: [issue.created]
    map: |
      { "issue_id": data.issue.id, "title": data.issue.title, "level": data.issue.level }
    to: triage-routine
`;

/** The change under review: trialing subscriptions no longer draft an email; fatal Sentry issues are called critical. */
const HEAD = BASE.replace('filter: data.object.status in ["active", "trialing"]', 'filter: data.object.status = "active"').replace(
  '"level": data.issue.level }',
  '"level": data.issue.level = "fatal" ? "critical" : data.issue.level }',
);

interface Recorded {
  readonly provider: 'stripe' | 'github' | 'sentry';
  readonly dedupKey: string;
  readonly rawBody: Buffer;
  readonly headers: Record<string, string>;
  readonly receivedAt: Date;
}

function sample(provider: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'samples', provider, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);

function stripeEvent(id: string, type: string, object: Record<string, unknown>, at: Date): Recorded {
  const base = sample('stripe', type === 'invoice.payment_failed' ? 'invoice.payment_failed' : 'customer.subscription.created');
  const data = base.data as { object: Record<string, unknown> };
  // Stripe sends its JSON pretty-printed.
  const rawBody = Buffer.from(JSON.stringify({ ...base, id, type, data: { object: { ...data.object, ...object } } }, null, 2));
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: rawBody.toString('utf8'),
    secret: ENV.STRIPE_WEBHOOK_SECRET,
    timestamp: seconds(at),
  });
  return {
    provider: 'stripe',
    dedupKey: id,
    rawBody,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    receivedAt: at,
  };
}

async function githubEvent(delivery: string, event: string, body: Record<string, unknown>, at: Date): Promise<Recorded> {
  const rawBody = Buffer.from(JSON.stringify(body));
  const headers = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': await githubSign(ENV.GITHUB_WEBHOOK_SECRET, rawBody.toString('utf8')),
  };
  return { provider: 'github', dedupKey: delivery, rawBody, headers, receivedAt: at };
}

/** Sentry signs the body with HMAC-SHA256 of the client secret, hex (docs.sentry.io, integration platform webhooks). */
function sentryEvent(requestId: string, issueId: string, level: string, at: Date): Recorded {
  const base = sample('sentry', 'issue.created') as { data: { issue: Record<string, unknown> } };
  const rawBody = Buffer.from(JSON.stringify({ ...base, data: { issue: { ...base.data.issue, id: issueId, level } } }));
  const headers = {
    'content-type': 'application/json',
    'sentry-hook-resource': 'issue',
    'sentry-hook-timestamp': String(seconds(at)),
    'sentry-hook-signature': createHmac('sha256', ENV.SENTRY_CLIENT_SECRET).update(rawBody).digest('hex'),
    'request-id': requestId,
  };
  return { provider: 'sentry', dedupKey: requestId, rawBody, headers, receivedAt: at };
}

/** What the day holds, by what the change does to each event. */
const expected = {
  /** Trialing subscriptions: fire before, filtered out after. */
  stopFiring: [] as string[],
  /** Fatal Sentry issues: mapped "fatal" before, "critical" after. */
  mappedDifferently: [] as string[],
  /** Everything else. */
  unchanged: [] as string[],
  ignoredBoth: [] as string[],
};

async function recordDay(now: number): Promise<Recorded[]> {
  const plan: Array<(at: Date) => Recorded | Promise<Recorded>> = [];
  const statuses = ['active', 'trialing', 'incomplete'];
  for (let i = 0; i < 12; i++) {
    const id = `evt_sub_${String(i).padStart(2, '0')}`;
    const status = statuses[i % 3]!;
    (status === 'trialing' ? expected.stopFiring : status === 'active' ? expected.unchanged : expected.ignoredBoth).push(id);
    plan.push((at) => stripeEvent(id, 'customer.subscription.created', { status, customer: `cus_${i}` }, at));
  }
  for (let i = 0; i < 4; i++) {
    const id = `evt_inv_${i}`;
    expected.unchanged.push(id);
    plan.push((at) => stripeEvent(id, 'invoice.payment_failed', { customer: `cus_inv_${i}`, amount_due: 1000 + i }, at));
  }
  for (let i = 0; i < 3; i++) {
    const id = `evt_refund_${i}`;
    expected.ignoredBoth.push(id);
    plan.push((at) => stripeEvent(id, 'charge.refunded', { amount_refunded: 500 }, at));
  }
  const pr = sample('github', 'pull_request.opened') as { pull_request: Record<string, unknown> };
  for (let i = 0; i < 8; i++) {
    const delivery = `gh-pr-${i}`;
    const draft = i % 4 === 3;
    (draft ? expected.ignoredBoth : expected.unchanged).push(delivery);
    plan.push((at) =>
      githubEvent(
        delivery,
        'pull_request',
        { ...pr, number: 100 + i, pull_request: { ...pr.pull_request, draft, title: `Change ${i}` } },
        at,
      ),
    );
  }
  for (let i = 0; i < 3; i++) {
    const delivery = `gh-push-${i}`;
    expected.ignoredBoth.push(delivery);
    plan.push((at) => githubEvent(delivery, 'push', sample('github', 'push'), at));
  }
  const levels = ['error', 'warning', 'fatal'];
  for (let i = 0; i < 9; i++) {
    const requestId = `sentry-req-${i}`;
    const level = levels[i % 3]!;
    (level === 'fatal' ? expected.mappedDifferently : expected.unchanged).push(requestId);
    plan.push((at) => sentryEvent(requestId, String(6021945700 + i), level, at));
  }
  // Interleave the providers and spread the arrivals over the last 24 hours.
  const order = plan.map((_, i) => i).sort((a, b) => ((a * 7) % plan.length) - ((b * 7) % plan.length));
  const start = now - 24 * 3_600_000 + 60_000;
  const step = (23 * 3_600_000) / (plan.length - 1);
  const recorded: Recorded[] = [];
  for (let n = 0; n < order.length; n++) recorded.push(await plan[order[n]!]!(new Date(start + n * step)));
  return recorded;
}

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function hookgate(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface JsonRoute {
  route: string;
  newlyFiring: number;
  stopFiring: number;
  mappedDifferently: number;
  mapErrors: number;
  examples: Array<{ kind: string; event: { dedupKey: string }; diff?: Array<{ path: string; before: unknown; after: unknown }> }>;
  fires: { before: number; after: number };
  firesPerDay: { before: number; after: number };
  changed: Record<string, Array<{ dedupKey: string }>>;
}

interface JsonPlan {
  events: number;
  routes: JsonRoute[];
  budgets: Array<{ budget: string; before: { requests: number; held: number }; after: { requests: number; held: number } }>;
}

function keys(route: JsonRoute | undefined, kind: string): string[] {
  return (route?.changed[kind] ?? []).map((e) => e.dedupKey).sort();
}

describe('hookgate plan on a recorded day of Stripe, GitHub and Sentry events', () => {
  let tmp: TempDir;
  let storeUrl: string;
  let recorded: Recorded[];

  beforeAll(async () => {
    tmp = tempDir('hookgate-plan-');
    tmp.write('routes.yaml', BASE);
    tmp.write('head.yaml', HEAD);
    mkdirSync(path.join(tmp.dir, 'data'));
    storeUrl = `sqlite:${path.join(tmp.dir, 'data/hookgate.db')}`;
    // As serve loads it: every secret set, verifiers built.
    const loaded = loadAndCompile(path.join(tmp.dir, 'routes.yaml'), { mode: 'serve', env: ENV });
    if (!loaded.ok || loaded.config === null) throw new Error(loaded.ok ? 'not compiled' : loaded.errors.join('\n'));
    const store = await openStore(storeUrl);
    recorded = await recordDay(Date.now());
    try {
      for (const r of recorded) {
        const outcome = await ingest({ config: loaded.config, store, logger: silentLogger() }, r.provider, {
          method: 'POST',
          headers: r.headers,
          query: {},
          rawBody: r.rawBody,
          receivedAt: r.receivedAt,
        });
        const want = expected.ignoredBoth.includes(r.dedupKey) ? 'ignored' : 'accepted';
        if (outcome.kind !== want) throw new Error(`${r.dedupKey}: ${outcome.kind}, expected ${want}: ${JSON.stringify(outcome)}`);
      }
    } finally {
      await store.close();
    }
  });

  afterAll(() => tmp?.remove());

  it('lists the stored events newest first, filters them by dedup key, and shows one with the reason per route', async () => {
    const all = await hookgate(['events', '--store', storeUrl, '--limit', '500', '--json'], tmp.dir);
    expect(all.code).toBe(0);
    const lines = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { dedup_key: string; received_at: string; status: string });
    expect(lines).toHaveLength(recorded.length);
    expect(lines.map((l) => l.received_at)).toEqual([...lines.map((l) => l.received_at)].sort().reverse());

    const one = await hookgate(['events', '--store', storeUrl, '--dedup-key', 'gh-pr-3', '--json'], tmp.dir);
    expect(
      one.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { dedup_key: string }).dedup_key),
    ).toEqual(['gh-pr-3']);

    const shown = await hookgate(['events', 'show', 'gh-pr-3', '--store', storeUrl], tmp.dir);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/type\s+pull_request\.opened/);
    expect(shown.stdout).toMatch(/github-pr-review\s+filter returned false/);
    expect(shown.stdout).not.toContain(ENV.GITHUB_WEBHOOK_SECRET);
    expect(shown.stdout).not.toContain('x-hub-signature-256');
  });

  it('exports every event of the window as one file each, without credentials, bodies as they arrived', async () => {
    const result = await hookgate(['events', 'export', '-c', 'routes.yaml', '--since', '7d', '--out', 'recorded'], tmp.dir, ENV);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const files = readdirSync(path.join(tmp.dir, 'recorded'));
    expect(files).toHaveLength(recorded.length);
    const all = files.map((f) => readFileSync(path.join(tmp.dir, 'recorded', f), 'utf8')).join('\n');
    for (const secret of Object.values(ENV)) expect(all).not.toContain(secret);
    for (const header of ['stripe-signature', 'x-hub-signature-256', 'sentry-hook-signature']) expect(all).not.toContain(header);
    const refund = JSON.parse(readFileSync(path.join(tmp.dir, 'recorded', files.find((f) => f.includes('evt_refund_1'))!), 'utf8')) as {
      body: unknown;
      eventType: string;
      status: string;
    };
    expect(refund.eventType).toBe('charge.refunded');
    expect(refund.status).toBe('ignored');
    expect(refund.body).toEqual(JSON.parse(recorded.find((r) => r.dedupKey === 'evt_refund_1')!.rawBody.toString('utf8')));
  });

  for (const source of ['store', 'folder'] as const) {
    it(`names exactly the events a changed filter and map affect, with their counts (events from the ${source})`, async () => {
      const from = source === 'store' ? ['--store', storeUrl] : ['--events', 'recorded'];
      const result = await hookgate(['plan', '--base', 'routes.yaml', '-c', 'head.yaml', ...from, '--format', 'json'], tmp.dir);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const plan = JSON.parse(result.stdout) as JsonPlan;
      expect(plan.events).toBe(recorded.length);
      expect(plan.routes.map((r) => r.route)).toEqual([
        'stripe-onboarding-draft',
        'stripe-payment-failed',
        'github-pr-review',
        'sentry-issue-triage',
      ]);
      const byName = new Map(plan.routes.map((r) => [r.route, r]));

      const onboarding = byName.get('stripe-onboarding-draft')!;
      expect([onboarding.newlyFiring, onboarding.stopFiring, onboarding.mappedDifferently, onboarding.mapErrors]).toEqual([0, 4, 0, 0]);
      expect(keys(onboarding, 'stop-firing')).toEqual([...expected.stopFiring].sort());
      expect(onboarding.fires).toEqual({ before: 8, after: 4 });
      expect(onboarding.firesPerDay).toEqual({ before: 8, after: 4 });
      // Replayed with the time it arrived, not the time of the plan.
      const stopped = onboarding.examples.find((e) => e.kind === 'stop-firing') as unknown as {
        event: { dedupKey: string };
        before: { received: string };
      };
      expect(stopped.before.received).toBe(recorded.find((r) => r.dedupKey === stopped.event.dedupKey)!.receivedAt.toISOString());

      const triage = byName.get('sentry-issue-triage')!;
      expect([triage.newlyFiring, triage.stopFiring, triage.mappedDifferently, triage.mapErrors]).toEqual([0, 0, 3, 0]);
      expect(keys(triage, 'mapped-differently')).toEqual([...expected.mappedDifferently].sort());
      const example = triage.examples.find((e) => e.kind === 'mapped-differently')!;
      expect(example.diff).toEqual([{ path: '$.level', kind: 'changed', before: 'fatal', after: 'critical' }]);

      for (const name of ['stripe-payment-failed', 'github-pr-review']) {
        const r = byName.get(name)!;
        expect([r.newlyFiring, r.stopFiring, r.mappedDifferently, r.mapErrors, r.examples.length]).toEqual([0, 0, 0, 0, 0]);
        expect(r.fires.before).toBe(r.fires.after);
      }
      expect(byName.get('github-pr-review')!.fires.before).toBe(6);

      // The three routines share 15 runs a day: 8 + 6 + 9 fires before, 4 + 6 + 9 after, all within one day.
      expect(plan.budgets).toMatchObject([{ budget: 'routine-runs', before: { requests: 23, held: 8 }, after: { requests: 19, held: 4 } }]);
    });
  }

  it('says the same in text and as a pull-request comment, naming only the changed events', async () => {
    for (const format of ['text', 'markdown']) {
      const result = await hookgate(
        ['plan', '--base', 'routes.yaml', '-c', 'head.yaml', '--events', 'recorded', '--format', format],
        tmp.dir,
      );
      expect(result.code).toBe(0);
      for (const key of [...expected.stopFiring, ...expected.mappedDifferently]) expect(result.stdout).toContain(key);
      for (const key of [...expected.unchanged, ...expected.ignoredBoth]) expect(result.stdout).not.toMatch(new RegExp(`\\b${key}\\b`));
      expect(result.stdout).toContain(`${recorded.length} events`);
      expect(result.stdout).toMatch(format === 'text' ? /stop firing: 4 events/ : /\*\*Stop firing \(4\):\*\*/);
      expect(result.stdout).toMatch(format === 'text' ? /mapped differently: 3 events/ : /\*\*Mapped differently \(3\):\*\*/);
      expect(result.stdout).toContain('"fatal"');
      expect(result.stdout).toContain('"critical"');
      expect(result.stdout).toMatch(
        format === 'text' ? /routine-runs \(15 per 1d, hold\): 23 → 19 requests/ : /\| `routine-runs` \| 15 per 1d, hold \| 23 → 19 \|/,
      );
    }
    const markdown = await hookgate(
      ['plan', '--base', 'routes.yaml', '-c', 'head.yaml', '--events', 'recorded', '--format', 'markdown'],
      tmp.dir,
    );
    expect(markdown.stdout).toMatch(/^\| `stripe-onboarding-draft` \| 0 \| 4 \| 0 \| 0 \| 8 → 4 \|$/m);
  });

  it('exits 1 when --fail-on names a kind of change it found, 0 when it names only others', async () => {
    const args = ['plan', '--base', 'routes.yaml', '-c', 'head.yaml', '--events', 'recorded', '--format', 'json'];
    const failing = await hookgate([...args, '--fail-on', 'stop-firing'], tmp.dir);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('stop-firing');
    const passing = await hookgate([...args, '--fail-on', 'newly-firing,map-error'], tmp.dir);
    expect(passing.code).toBe(0);
    const same = await hookgate(
      ['plan', '--base', 'routes.yaml', '-c', 'routes.yaml', '--events', 'recorded', '--fail-on', 'stop-firing,mapped-differently'],
      tmp.dir,
    );
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No change');
  });

  it('reads the base from git (git-ref:REF:PATH, the path from the repository root) in a temporary repository', async () => {
    const repo = path.join(tmp.dir, 'repo');
    mkdirSync(path.join(repo, 'config'), { recursive: true });
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.email=plan@example.com', '-c', 'user.name=plan', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    writeFileSync(path.join(repo, 'config/routes.yaml'), BASE);
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(path.join(repo, 'config/routes.yaml'), HEAD);
    // Run from a subfolder: the git path is still from the repository's root.
    const result = await hookgate(
      ['plan', '--base', 'git-ref:main:config/routes.yaml', '-c', 'routes.yaml', '--events', '../../recorded', '--format', 'json'],
      path.join(repo, 'config'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as JsonPlan;
    expect(plan.routes.find((r) => r.route === 'stripe-onboarding-draft')!.stopFiring).toBe(4);
    expect(plan.routes.find((r) => r.route === 'sentry-issue-triage')!.mappedDifferently).toBe(3);

    const missing = await hookgate(
      ['plan', '--base', 'git-ref:nope:config/routes.yaml', '-c', 'routes.yaml', '--events', '../../recorded'],
      path.join(repo, 'config'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('git-ref:nope:config/routes.yaml');
  });
});
