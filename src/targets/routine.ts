/**
 * `routine:` — a Claude Code routine's API trigger ("routine fire"). Every accepted fire starts a
 * new paid session and the endpoint has no idempotency, so a routine is sent at most once unless
 * the answer proves no run started: the connection was never made, or the API refused with 429 or
 * 503. A timeout, a reset after sending, or a 500/502/504 leaves the outcome unknown.
 */
import { commonHeaders, defineTargetKind, HTTP_URL_PATTERN, isSuccess } from './define.ts';
import { routineText } from './routine-text.ts';
import type { Answer, Session, TargetProblem, Verdict } from './types.ts';

export const ROUTINE_DEFAULT_BETA = 'experimental-cc-routine-2026-04-01';
export const ANTHROPIC_VERSION = '2023-06-01';
/** A routine's answer is a small JSON object; keep enough of it to read the session fields. */
const KEEP_ANSWER_BYTES = 64 * 1024;

export function classifyRoutineAnswer(answer: Answer): Verdict {
  const status = answer.statusCode;
  if (status === null) {
    // Safe to send again only when no byte can have reached the API.
    const neverSent = answer.error !== null && !answer.error.requestSent;
    return neverSent ? { outcome: 'retry', afterMs: null, spendsAttempt: true } : { outcome: 'unknown' };
  }
  if (isSuccess(status)) return { outcome: 'success' };
  // The API refused before starting anything.
  if (status === 429) return { outcome: 'rate_limited', afterMs: answer.retryAfterMs };
  if (status === 503) return { outcome: 'retry', afterMs: answer.retryAfterMs, spendsAttempt: answer.retryAfterMs === null };
  // Any other 5xx may come after a run started.
  if (status >= 500) return { outcome: 'unknown' };
  return { outcome: 'dead' };
}

/** The session a fire started: `claude_code_session_id` and `claude_code_session_url` of the answer. */
export function readRoutineSession(body: Buffer): Session | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const id = 'claude_code_session_id' in parsed ? parsed.claude_code_session_id : undefined;
  const url = 'claude_code_session_url' in parsed ? parsed.claude_code_session_url : undefined;
  if (typeof id !== 'string' || id === '') return null;
  return { id, url: typeof url === 'string' ? url : '' };
}

/** The routine's token is its only credential: anything else would replace it without a word. */
function checkRoutine(target: Readonly<Record<string, unknown>>): TargetProblem[] {
  const problems: TargetProblem[] = [];
  if (target.auth !== undefined) {
    problems.push({
      path: ['auth'],
      at: 'key',
      code: 'routine-auth',
      message: 'a routine target takes its credential from `routine.token` only: remove `auth`',
    });
  }
  const headers = target.headers;
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() !== 'authorization') continue;
      problems.push({
        path: ['headers', name],
        at: 'key',
        code: 'routine-auth',
        message: `a routine target takes its credential from \`routine.token\` only: remove the \`${name}\` header`,
      });
    }
  }
  return problems;
}

export const routineKind = defineTargetKind({
  name: 'routine',
  field: 'routine',
  description: 'A Claude Code routine\'s API trigger; the mapped value is sent as {"text": ...}.',
  schema: {
    type: 'object',
    description: 'A Claude Code routine\'s API trigger; the mapped value is sent as {"text": ...}.',
    additionalProperties: false,
    required: ['url', 'token'],
    properties: {
      url: {
        type: 'string',
        format: 'uri',
        pattern: HTTP_URL_PATTERN,
        description: 'The trigger URL: https://api.anthropic.com/v1/claude_code/routines/trig_.../fire (http:// only for local demos).',
      },
      token: {
        type: 'string',
        minLength: 1,
        description: "The routine's own Bearer token (sk-ant-oat01-...). Use a ${ENV} reference.",
      },
      beta: { type: 'string', minLength: 1, description: `The anthropic-beta header (default ${ROUTINE_DEFAULT_BETA}).` },
    },
  },
  atMostOnce: true,
  freshConnection: true,
  keepAnswerBytes: KEEP_ANSWER_BYTES,
  endpoint(config) {
    const routine = config.routine;
    if (!routine) throw new Error('a routine target needs `routine`');
    // `auth:` is refused by validate; the routine's own headers come last so nothing replaces them.
    const headers = commonHeaders({ headers: config.headers ?? {} });
    headers.authorization = `Bearer ${routine.token}`;
    headers['anthropic-version'] = ANTHROPIC_VERSION;
    headers['anthropic-beta'] = routine.beta ?? ROUTINE_DEFAULT_BETA;
    return { url: routine.url, headers: Object.freeze(headers) };
  },
  encodeBody(mapped) {
    // A string as is, anything else as compact JSON; cut to the trigger's limit (routine-text.ts).
    return Buffer.from(JSON.stringify({ text: routineText(mapped).text }));
  },
  classify: classifyRoutineAnswer,
  readSession: readRoutineSession,
  check: checkRoutine,
});
