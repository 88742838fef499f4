/**
 * The HTTP side of a router: the webhook handler, health and metrics handlers, the express engine
 * for the admin API (and the demo echo), all behind the one door.
 */
import type { RequestListener } from 'node:http';
import type express from 'express';
import type { ErrorCode } from '../errors.ts';
import { createAdminRouter } from '../http/admin.ts';
import { createEngine } from '../http/app.ts';
import { createDoor } from '../http/door.ts';
import { createReadyz, healthz } from '../http/health.ts';
import { createWebhookHandler } from '../http/ingress.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createMetricsHandler } from '../observability/metrics-http.ts';
import type { IngestOutcome } from '../pipeline/ingest.ts';
import type { Runtime } from '../runtime.ts';

/** Extra observers and routers a caller (a test, an embedding) adds to what the router wires itself. */
export interface HttpHooks {
  readonly onOutcome?: (outcome: IngestOutcome) => void;
  readonly onRejectedEarly?: (provider: string, code: ErrorCode) => void;
  /** Extra express routers (for example the inspector under /admin/), mounted before the admin API. */
  readonly mount?: (app: express.Express) => void;
}

export interface HttpParts {
  readonly runtime: Runtime;
  readonly metrics: Metrics;
  /** false: serve --worker-only, no webhook ingress. */
  readonly ingress: boolean;
  readonly adminToken: string | null;
  readonly demo: boolean;
  readonly hooks?: HttpHooks;
}

export function buildHttp(parts: HttpParts): RequestListener {
  const { runtime, metrics, hooks } = parts;
  const webhooks = parts.ingress
    ? createWebhookHandler(runtime, {
        onOutcome(outcome) {
          metrics.onOutcome(outcome);
          hooks?.onOutcome?.(outcome);
        },
        onRejectedEarly(provider, code) {
          metrics.onRejectedEarly(provider, code);
          hooks?.onRejectedEarly?.(provider, code);
        },
      })
    : null;
  const admin =
    parts.adminToken === null
      ? null
      : createAdminRouter({
          token: parts.adminToken,
          store: runtime.store,
          logger: runtime.logger,
          notifyWorker: runtime.notifyWorker,
          config: runtime.config,
        });
  const engine = createEngine({
    logger: runtime.logger,
    // Read once: changing it takes a restart (a reload says so).
    trustProxy: runtime.config().server.trustProxy,
    admin,
    demoEcho: parts.demo,
    ...(hooks?.mount ? { mount: hooks.mount } : {}),
  });
  return createDoor({
    webhooks,
    healthz,
    readyz: createReadyz(runtime),
    metrics: createMetricsHandler(metrics),
    engine,
    admin: admin !== null,
    demo: parts.demo,
    logger: runtime.logger,
  });
}
