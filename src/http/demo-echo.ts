/**
 * A stand-in for the routine fire endpoint, served only in demo mode (`serve --demo` or
 * HOOKGATE_DEMO=1, which .env.example sets) so the quick start shows a delivery end to end with no
 * network. It checks the headers a real routine trigger needs and answers with the same shape.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { sendError } from './reply.ts';

export function createDemoEcho(logger: Logger) {
  return function demoRoutineFire(req: Request, res: Response): void {
    const auth = req.get('authorization') ?? '';
    if (!auth.startsWith('Bearer ')) {
      sendError(res, 'UNAUTHORIZED', 'missing Bearer token');
      return;
    }
    if (!req.get('anthropic-beta') || !req.get('anthropic-version')) {
      sendError(res, 'BAD_REQUEST', 'missing anthropic-beta or anthropic-version header');
      return;
    }
    const body = req.body as { text?: unknown } | undefined;
    if (!body || typeof body.text !== 'string') {
      sendError(res, 'BAD_REQUEST', 'body must be {"text": "..."}');
      return;
    }
    const session = `session_demo_${randomBytes(8).toString('hex')}`;
    logger.info(
      { demo: true, trigger: req.params.trigger, idempotencyKey: req.get('idempotency-key'), text: body.text, session },
      'demo routine fired',
    );
    res.json({ type: 'routine_fire', claude_code_session_id: session, claude_code_session_url: `https://claude.ai/code/${session}` });
  };
}
