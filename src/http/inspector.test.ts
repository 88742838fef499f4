import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../observability/logger.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { createAdminRouter } from './admin.ts';
import { INSPECTOR_CSP, loadInspectorFiles } from './inspector.ts';

const TOKEN = 'inspector-unit-token';

let store: Store;
let app: express.Express;

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  app = express();
  app.use('/admin', createAdminRouter({ token: TOKEN, store, logger: silentLogger(), notifyWorker: () => {} }));
});

afterEach(async () => {
  await store.close();
});

describe('GET /admin/ (the inspector page)', () => {
  it('serves the page without a token, under a strict Content-Security-Policy', async () => {
    const res = await request(app).get('/admin/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(INSPECTOR_CSP);
    expect(INSPECTOR_CSP).toContain("script-src 'self'");
    expect(INSPECTOR_CSP).toContain("connect-src 'self'");
    expect(INSPECTOR_CSP).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).toContain('<script type="module" src="assets/app.js"></script>');
  });

  it('has no inline script or style and loads nothing from another origin', async () => {
    const page = (await request(app).get('/admin/')).text;
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=/);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('redirects /admin to /admin/ so the relative asset and API paths resolve under it', async () => {
    const res = await request(app).get('/admin');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('admin/');
  });

  it('answers 304 to a request that already has this version', async () => {
    const first = await request(app).get('/admin/');
    const again = await request(app).get('/admin/').set('if-none-match', first.headers.etag!);
    expect(again.status).toBe(304);
  });
});

describe('GET /admin/assets/<name>', () => {
  it('serves the page modules and preact, hooks and htm as JavaScript modules without a token', async () => {
    for (const name of ['app.js', 'preact.js', 'hooks.js', 'htm.js']) {
      const res = await request(app).get(`/admin/assets/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers['content-type'], name).toBe('text/javascript; charset=utf-8');
      expect(res.headers['content-security-policy'], name).toBe(INSPECTOR_CSP);
    }
    const css = await request(app).get('/admin/assets/style.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('points the hooks module at the preact file served beside it (a browser cannot resolve "preact")', async () => {
    const hooks = (await request(app).get('/admin/assets/hooks.js')).text;
    expect(hooks).toContain('from"./preact.js"');
    expect(hooks).not.toMatch(/from\s*["']preact["']/);
    expect(hooks).not.toContain('sourceMappingURL');
  });

  it('answers 404 for a file it does not have, and serves nothing from outside web/', async () => {
    expect((await request(app).get('/admin/assets/nothing.js')).status).toBe(404);
    const encoded = await request(app).get('/admin/assets/..%2F..%2F..%2Fpackage.json');
    expect(encoded.status).toBe(404);
    expect(encoded.text).not.toContain('"dependencies"');
    // A dot segment is resolved before routing: it lands on an admin path, behind the token.
    expect((await request(app).get('/admin/assets/../../package.json')).status).not.toBe(200);
  });

  it('keeps the data behind the token: the API still answers 401 without it', async () => {
    expect((await request(app).get('/admin/events')).status).toBe(401);
    expect((await request(app).get('/admin/stats')).status).toBe(401);
    expect((await request(app).get('/admin/index.html')).status).toBe(401);
  });
});

describe('loadInspectorFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hookgate-web-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start without index.html', () => {
    writeFileSync(path.join(dir, 'app.js'), '');
    expect(() => loadInspectorFiles(dir)).toThrow(/index\.html is missing/);
  });

  it('refuses a page file named like a vendor module (it would shadow preact)', () => {
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(path.join(dir, 'preact.js'), '');
    expect(() => loadInspectorFiles(dir)).toThrow(/preact\.js has the name of a vendor module/);
  });

  it('serves only known file types from web/', () => {
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(path.join(dir, 'notes.md'), '# not served');
    writeFileSync(path.join(dir, 'app.js'), 'export {};');
    const files = loadInspectorFiles(dir);
    expect([...files.assets.keys()].sort()).toEqual(['app.js', 'hooks.js', 'htm.js', 'preact.js']);
  });
});
