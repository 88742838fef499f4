/**
 * The inspector's static files: GET /admin/ (the page) and GET /admin/assets/<name> (its modules,
 * stylesheet, and the ESM builds of preact, preact/hooks and htm from node_modules). Every file is
 * read once, when the router is built, so a request never touches the disk and a missing file
 * stops the start instead of breaking the page later. The files hold no data, so they need no
 * token; every data call the page makes goes to the admin API with the token.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import { sendError } from './reply.ts';

/** web/ beside src/ (or dist/): both are two folders below the package root. */
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

/**
 * Scripts and styles only from this origin and never inline; data only from this origin; no
 * frames, no plugins, no forms posting elsewhere, no <base> rewriting relative URLs.
 */
export const INSPECTOR_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

export interface InspectorFiles {
  readonly page: StaticFile;
  /** By file name, as served under assets/. */
  readonly assets: ReadonlyMap<string, StaticFile>;
}

function staticFile(name: string, body: Buffer): StaticFile {
  const type = TYPES[path.extname(name)];
  if (type === undefined) throw new Error(`inspector: no content type for ${name}`);
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * The browser loads these by relative URL (./preact.js), so the one bare import in them
 * (`from "preact"` in the hooks module) is pointed at the file served beside it. Source map
 * comments go: the maps are not served.
 */
function vendorFiles(): Map<string, Buffer> {
  const require = createRequire(import.meta.url);
  // Each package's `module` build sits beside its CommonJS main.
  const sibling = (specifier: string, file: string) => path.join(path.dirname(require.resolve(specifier)), file);
  const read = (file: string) => readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const hooks = read(sibling('preact/hooks', 'hooks.module.js'));
  const pointed = hooks.replace(/from\s*(["'])preact\1/g, 'from"./preact.js"');
  if (pointed === hooks || /from\s*["'][^./]/.test(pointed)) {
    throw new Error('inspector: preact/hooks no longer imports "preact" the way this server rewrites it; update vendorFiles()');
  }
  return new Map([
    ['preact.js', Buffer.from(read(sibling('preact', 'preact.module.js')))],
    ['hooks.js', Buffer.from(pointed)],
    ['htm.js', Buffer.from(read(sibling('htm', 'htm.module.js')))],
  ]);
}

/** Reads web/ (flat: index.html, *.js, *.css, *.svg) and the vendor modules. */
export function loadInspectorFiles(dir: string = WEB_DIR): InspectorFiles {
  const assets = new Map<string, StaticFile>();
  for (const [name, body] of vendorFiles()) assets.set(name, staticFile(name, body));
  let page: StaticFile | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const body = readFileSync(path.join(dir, entry.name));
    if (entry.name === 'index.html') {
      page = staticFile(entry.name, body);
      continue;
    }
    if (!(path.extname(entry.name) in TYPES)) continue;
    if (assets.has(entry.name)) throw new Error(`inspector: web/${entry.name} has the name of a vendor module`);
    assets.set(entry.name, staticFile(entry.name, body));
  }
  if (page === null) throw new Error(`inspector: ${path.join(dir, 'index.html')} is missing`);
  return { page, assets };
}

function send(req: Request, res: Response, file: StaticFile): void {
  res.set({
    'Content-Type': file.type,
    'Content-Security-Policy': INSPECTOR_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Revalidate every time (a new version is picked up at once; unchanged files answer 304).
    'Cache-Control': 'no-cache',
    ETag: file.etag,
  });
  if (req.headers['if-none-match'] === file.etag) {
    res.status(304).end();
    return;
  }
  res.status(200).send(file.body);
}

/** Mounted in the admin router before its token check: only these paths are public. */
export function createInspectorPage(files: InspectorFiles = loadInspectorFiles()): Router {
  const router = express.Router({ strict: true });

  router.get('/', function inspectorPage(req: Request, res: Response) {
    // /admin without the slash: the page's relative URLs (assets/, events) need /admin/.
    const pathname = req.originalUrl.split('?')[0] ?? '';
    if (!pathname.endsWith('/')) {
      res.redirect(301, `${path.posix.basename(pathname)}/`);
      return;
    }
    send(req, res, files.page);
  });

  router.get('/assets/:name', function inspectorAsset(req: Request, res: Response) {
    const file = files.assets.get(String(req.params.name));
    if (file === undefined) {
      sendError(res, 'NOT_FOUND', `no inspector file ${req.params.name}`);
      return;
    }
    send(req, res, file);
  });

  return router;
}
