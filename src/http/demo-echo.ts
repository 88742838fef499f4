/**
 * A stand-in for the routine fire endpoint, enabled only by HOOKGATE_DEMO_ECHO=1 (.env.example
 * sets it) so the quick start shows a delivery end to end with no network. It checks the headers
 * a real routine trigger needs and answers with the same shape.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

export function createDemoEcho(logger: Logger) {
  return function demoRoutineFire(req: Request, res: Response): void {
    const auth = req.get('authorization') ?? '';
    if (!auth.startsWith('Bearer ')) {
      res.status(401).json({ error: 'missing Bearer token' });
      return;
    }
    if (!req.get('anthropic-beta') || !req.get('anthropic-version')) {
      res.status(400).json({ error: 'missing anthropic-beta or anthropic-version header' });
      return;
    }
    const body = req.body as { text?: unknown } | undefined;
    if (!body || typeof body.text !== 'string') {
      res.status(400).json({ error: 'body must be {"text": "..."}' });
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
