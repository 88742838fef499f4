/**
 * Ingest's request rules, through a real SQLite file: credentials never reach `$headers`, the
 * stored event or the logs; a provider type that names its events in a header refuses a request
 * without it; JSON too deep is a 400; the Content-Type does not decide whether JSON is JSON.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { bodyView } from '../http/admin-views.ts';
import { createLogger } from '../observability/logger.ts';
import { signFor } from '../providers/registry.ts';
import type { WebhookRequest } from '../providers/types.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { compileConfig } from './compile.ts';
import { type IngestOutcome, ingest } from './ingest.ts';
import { MAX_JSON_DEPTH } from './parse-body.ts';

const GH_SECRET = 'gh-rules-secret-5a5a';
const TOKEN = 'tok-rules-secret-7b7b';
/** Credentials a client might send along; none may be kept anywhere. */
const CREDENTIALS = {
  authorization: 'Bearer auth-value-c3c3c3',
  cookie: 'session=cookie-value-d4d4d4',
  'proxy-authorization': 'Basic cHJveHktdmFsdWUtZTVlNQ==',
};

const FILE: RoutesFile = {
  version: 1,
  providers: {
    gh: { verify: { type: 'github', secret: GH_SECRET } },
    'gh-own-event': { verify: { type: 'github', secret: GH_SECRET }, event: '"custom." & action' },
    tok: { verify: { type: 'token', header: 'X-Api-Token', secret: TOKEN } },
    open: { verify: { type: 'none' } },
  },
  targets: { t: { url: 'http://127.0.0.1:9/t' } },
  routes: [
    { name: 'gh-echo', from: 'gh', map: '{"headers": $headers}', to: 't' },
    { name: 'gh-own', from: 'gh-own-event', to: 't' },
    {
      name: 'tok-echo',
      from: 'tok',
      filter: '$not($exists($headers."x-api-token")) and $not($exists($headers.authorization))',
      map: '{"headers": $headers, "token": $headers."x-api-token"}',
      to: 't',
    },
    { name: 'orders', from: 'open', events: ['order.created'], to: 't' },
  ],
};

let dir: string;
let store: Store;
let logLines: string[];
const config = compileConfig(FILE, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '0'.repeat(64) });

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookgate-ingest-rules-'));
  store = await openStore(`sqlite:${path.join(dir, 'events.db')}`);
  logLines = [];
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function context() {
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
  return { config, store, logger: createLogger({ level: 'debug', destination }) };
}

function request(headers: Record<string, string>, rawBody: Buffer): WebhookRequest {
  return { method: 'POST', headers, query: {}, rawBody, receivedAt: new Date() };
}

async function githubRequest(body: string, extra: Record<string, string> = {}, eventHeader = true): Promise<WebhookRequest> {
  const rawBody = Buffer.from(body);
  const signed = await signFor({ type: 'github', secret: GH_SECRET }, { rawBody, secret: GH_SECRET, eventType: 'issues.opened' });
  const headers: Record<string, string> = { 'content-type': 'application/json', ...signed, ...extra };
  if (!eventHeader) delete headers['x-github-event'];
  return request(headers, rawBody);
}

function accepted(outcome: IngestOutcome): Extract<IngestOutcome, { kind: 'accepted' }> {
  if (outcome.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function rejected(outcome: IngestOutcome): Extract<IngestOutcome, { kind: 'rejected' }> {
  if (outcome.kind !== 'rejected') throw new Error(`expected rejected, got ${outcome.kind}`);
  return outcome;
}

/** Every byte the store wrote (database, WAL, journal), for a search of values that must not be there. */
function storeBytes(): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(path.join(dir, f))));
}

describe('credentials never enter $headers, the store or the logs', () => {
  it('github: Authorization, Cookie, Proxy-Authorization and the signature headers are dropped right after verification', async () => {
    const req = await githubRequest('{"action":"opened","issue":{"number":1}}', {
      ...CREDENTIALS,
      'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567',
      'x-custom': 'kept',
    });
    const signature = req.headers['x-hub-signature-256']!;
    const outcome = accepted(await ingest(context(), 'gh', req));

    const stored = await store.getEvent(outcome.eventId);
    expect(stored).not.toBeNull();
    for (const name of [...Object.keys(CREDENTIALS), 'x-hub-signature-256', 'x-hub-signature']) {
      expect(stored!.headers).not.toHaveProperty(name);
    }
    expect(stored!.headers).toMatchObject({ 'x-custom': 'kept', 'x-github-event': 'issues', 'content-type': 'application/json' });

    const mapped = JSON.parse(stored!.deliveries[0]!.body!.toString('utf8')) as { headers: Record<string, string> };
    expect(Object.keys(mapped.headers).sort()).toEqual(Object.keys(stored!.headers).sort());

    await store.close();
    store = await openStore(`sqlite:${path.join(dir, 'events.db')}`);
    const bytes = storeBytes();
    for (const value of [...Object.values(CREDENTIALS), signature, 'cookie-value-d4d4d4', 'auth-value-c3c3c3']) {
      expect(bytes.includes(value)).toBe(false);
    }
    const logs = logLines.join('');
    expect(logs).toContain('event received');
    for (const value of [...Object.values(CREDENTIALS), signature]) expect(logs).not.toContain(value);
  });

  it("token: the provider's own token header is invisible to filter and map", async () => {
    const rawBody = Buffer.from('{"type":"ping"}');
    const outcome = accepted(
      await ingest(context(), 'tok', request({ 'content-type': 'application/json', 'x-api-token': TOKEN, ...CREDENTIALS }, rawBody)),
    );
    const stored = await store.getEvent(outcome.eventId);
    const mapped = JSON.parse(stored!.deliveries[0]!.body!.toString('utf8')) as Record<string, unknown>;
    expect(mapped).not.toHaveProperty('token');
    expect(mapped.headers).toEqual({ 'content-type': 'application/json' });
    expect(stored!.headers).toEqual({ 'content-type': 'application/json' });
    expect(storeBytes().includes(TOKEN)).toBe(false);
  });
});

describe('a type that names its events in a header', () => {
  it('refuses a verified github request without X-GitHub-Event: 400 EVENT_TYPE_MISSING naming the header, nothing stored', async () => {
    const outcome = rejected(await ingest(context(), 'gh', await githubRequest('{"action":"created"}', {}, false)));
    expect(outcome.error).toMatchObject({ code: 'EVENT_TYPE_MISSING', status: 400, message: 'missing event type header: X-GitHub-Event' });
    expect((await store.listEvents({})).items).toEqual([]);
  });

  it('still checks the signature first: an unsigned request without the header is a signature error', async () => {
    const outcome = rejected(await ingest(context(), 'gh', request({ 'content-type': 'application/json' }, Buffer.from('{}'))));
    expect(outcome.error.code).toBe('SIGNATURE_MISSING');
  });

  it('accepts it when the provider names events with its own `event` expression', async () => {
    const outcome = accepted(await ingest(context(), 'gh-own-event', await githubRequest('{"action":"created"}', {}, false)));
    expect(outcome.eventType).toBe('custom.created');
  });
});

function nested(depth: number): string {
  return `${'{"type":"order.created","a":'.repeat(depth - 1)}[1]${'}'.repeat(depth - 1)}`;
}

describe('body parsing', () => {
  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400 BODY_TOO_DEEP, storing nothing`, async () => {
    for (const depth of [MAX_JSON_DEPTH + 1, 4_000, 50_000]) {
      const outcome = rejected(
        await ingest(context(), 'open', request({ 'content-type': 'application/json' }, Buffer.from(nested(depth)))),
      );
      expect(outcome.error).toMatchObject({ code: 'BODY_TOO_DEEP', status: 400 });
    }
    expect((await store.listEvents({})).items).toEqual([]);
  });

  it(`routes JSON nested exactly ${MAX_JSON_DEPTH} levels, and its stored event can be read back and shown`, async () => {
    const raw = nested(MAX_JSON_DEPTH);
    const outcome = accepted(await ingest(context(), 'open', request({ 'content-type': 'application/json' }, Buffer.from(raw))));
    const stored = await store.getEvent(outcome.eventId);
    expect(stored!.rawBody.toString('utf8')).toBe(raw);
    expect(JSON.stringify(bodyView(stored!.rawBody))).toBe(raw);
  });

  it.each([['application/x-www-form-urlencoded'], ['text/plain'], ['']])(
    'parses a JSON body as JSON whatever its Content-Type (%j), so it routes by its type',
    async (type) => {
      const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
      const outcome = accepted(await ingest(context(), 'open', request(headers, Buffer.from('{"type":"order.created","id":"o-1"}'))));
      expect(outcome.eventType).toBe('order.created');
    },
  );
});
