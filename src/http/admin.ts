/**
 * The admin API, mounted under /admin only when HOOKGATE_ADMIN_TOKEN is set: list and inspect
 * events and deliveries, replay one delivery or a filtered set, see each target's health and
 * resume a paused one. JSON in and out, snake_case fields, ISO times. A replay re-queues the
 * stored body with the same Idempotency-Key and wakes this process's worker.
 */

import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { budgetViews } from '../delivery/budget-view.ts';
import type { Logger } from '../observability/logger.ts';
import type { CompiledBudget, CompiledConfig } from '../pipeline/types.ts';
import { CursorError } from '../store/cursor.ts';
import type { Store } from '../store/types.ts';
import { createAdminAuth } from './admin-auth.ts';
import { eventShapeView, openGroupView } from './admin-groups.ts';
import { bulkReplayFrom, deliveryFilterFrom, eventFilterFrom, ParamError, readQuery } from './admin-params.ts';
import { mountReroute } from './admin-reroute.ts';
import { mountTargets } from './admin-targets.ts';
import { deliveryDetailView, deliverySummaryView, eventDetailView, eventSummaryView } from './admin-views.ts';
import { createInspectorPage, type InspectorFiles } from './inspector.ts';
import { createInspectorApi } from './inspector-api.ts';
import { sendError } from './reply.ts';

export interface AdminOptions {
  /** The bearer token; the caller mounts nothing when it is unset or empty. */
  readonly token: string;
  readonly store: Store;
  readonly logger: Logger;
  /** Wake the delivery worker after a replay (runtime.notifyWorker). */
  readonly notifyWorker: () => void;
  readonly now?: () => number;
  /** The budgets GET /admin/budgets lists; default: those of `config`. */
  readonly budgets?: () => readonly CompiledBudget[];
  /** The current config, for reroutes; without it the reroute endpoints are not mounted. */
  readonly config?: () => CompiledConfig;
  /** The inspector's files (read from web/ and node_modules when absent). */
  readonly inspectorFiles?: InspectorFiles;
}

/** The token to protect /admin with, or null when the admin API must not exist. */
export function adminToken(env: Readonly<Record<string, string | undefined>>): string | null {
  const token = env.HOOKGATE_ADMIN_TOKEN;
  return token === undefined || token === '' ? null : token;
}

export function createAdminRouter(options: AdminOptions): Router {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const router = express.Router();
  // The inspector's page and modules hold no data: they load before the token is asked for.
  router.use(createInspectorPage(options.inspectorFiles));
  router.use(createAdminAuth(options.token));
  router.use(createInspectorApi({ store, now }));

  router.get('/events', async function listEvents(req: Request, res: Response) {
    const page = await store.listEvents(eventFilterFrom(req.query, now()));
    res.json({ items: page.items.map(eventSummaryView), next_cursor: page.nextCursor });
  });

  router.get('/events/:id', async function getEvent(req: Request, res: Response) {
    const id = String(req.params.id);
    const event = await store.getEvent(id);
    if (!event) {
      sendError(res, 'NOT_FOUND', `no event with id "${id}"`);
      return;
    }
    // Per shaped route: the group the event joined, or the cooldown that held it back.
    const shaped = (await store.groups.eventShapes(id)).map(eventShapeView);
    res.json({ ...eventDetailView(event), shaped });
  });

  router.get('/groups', async function listGroups(req: Request, res: Response) {
    const route = readQuery(req.query, ['route']).get('route') || undefined;
    const groups = await store.groups.listOpenGroups(route);
    res.json({ items: groups.map(openGroupView) });
  });

  router.get('/deliveries', async function listDeliveries(req: Request, res: Response) {
    const page = await store.listDeliveries(deliveryFilterFrom(req.query, now()));
    res.json({ items: page.items.map(deliverySummaryView), next_cursor: page.nextCursor });
  });

  router.get('/deliveries/:id', async function getDelivery(req: Request, res: Response) {
    const id = String(req.params.id);
    const delivery = await store.getDelivery(id);
    if (!delivery) {
      sendError(res, 'NOT_FOUND', `no delivery with id "${id}"`);
      return;
    }
    res.json(deliveryDetailView(delivery));
  });

  router.post('/deliveries/:id/replay', async function replayOne(req: Request, res: Response) {
    const id = String(req.params.id);
    const delivery = await store.getDelivery(id);
    if (!delivery) {
      sendError(res, 'NOT_FOUND', `no delivery with id "${id}"`);
      return;
    }
    if (delivery.status === 'pending' || delivery.status === 'in_flight') {
      sendError(res, 'ALREADY_QUEUED', `delivery "${id}" is ${delivery.status}: it is queued already`);
      return;
    }
    const replayed = await store.replay([id], now());
    if (replayed === 0) {
      // Replayed by someone else between the read and the update.
      sendError(res, 'ALREADY_QUEUED', `delivery "${id}" is queued already`);
      return;
    }
    logger.info(
      { deliveryId: id, route: delivery.route, target: delivery.target, previous: delivery.status },
      'delivery replayed (admin API)',
    );
    options.notifyWorker();
    res.status(202).json({ replayed });
  });

  /** The budgets of the config in force. */
  const budgetsInForce = (): readonly CompiledBudget[] => options.budgets?.() ?? [...(options.config?.().budgets?.values() ?? [])];

  router.get('/budgets', async function listBudgets(_req: Request, res: Response) {
    const budgets = budgetsInForce();
    res.json({ items: budgetViews(budgets, await store.budgetStats(budgets, now())) });
  });

  mountTargets(router, {
    store,
    logger,
    notifyWorker: options.notifyWorker,
    now,
    targets: () => options.config?.().targets ?? new Map(),
    budgets: budgetsInForce,
  });

  // Text, not express.json(): the body is parsed here whatever its Content-Type, and a malformed
  // one is a 400 naming it rather than the app's generic error.
  router.post('/replay', express.text({ type: () => true, limit: '16kb' }), async function replayMatching(req: Request, res: Response) {
    const { filter, dryRun } = bulkReplayFrom(typeof req.body === 'string' ? req.body : '', now());
    const count = await store.replayMatching(filter, now(), dryRun);
    if (dryRun) {
      // The deliveries it would re-queue, newest first (one page; `count` covers them all).
      const page = await store.listDeliveries({ ...filter, replayable: true });
      res.json({ count, items: page.items.map(deliverySummaryView) });
      return;
    }
    logger.info({ filter, replayed: count }, 'deliveries replayed (admin API)');
    if (count > 0) options.notifyWorker();
    res.status(202).json({ replayed: count });
  });

  if (options.config) mountReroute(router, { store, logger, config: options.config, notifyWorker: options.notifyWorker, now });

  router.use(function adminNotFound(req: Request, res: Response) {
    sendError(res, 'NOT_FOUND', `no admin endpoint ${req.method} ${req.baseUrl}${req.path}`);
  });

  router.use(function adminError(err: unknown, _req: Request, res: Response, next: NextFunction) {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof ParamError) {
      sendError(res, 'INVALID_PARAMETER', err.message, { parameter: err.parameter });
      return;
    }
    if (err instanceof CursorError) {
      sendError(res, 'INVALID_PARAMETER', err.message, { parameter: 'cursor' });
      return;
    }
    const status = httpStatusOf(err);
    if (status !== null && status >= 400 && status < 500) {
      if (status === 413) sendError(res, 'BODY_TOO_LARGE', 'the limit is 16kb');
      else sendError(res, 'BODY_UNREADABLE');
      return;
    }
    logger.error({ err: err instanceof Error ? err.message : String(err) }, 'admin API request failed');
    sendError(res, 'STORE_UNAVAILABLE', 'the store could not answer (details in the router log)');
  });

  return router;
}

/** body-parser errors carry the status they stand for. */
function httpStatusOf(err: unknown): number | null {
  if (typeof err !== 'object' || err === null || !('status' in err)) return null;
  return typeof err.status === 'number' ? err.status : null;
}
