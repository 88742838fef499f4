/**
 * The `requests:` list of a config-test case: each item takes the fields of a single case
 * (provider, payload or body, headers, query, signature, event), an optional `after:` duration
 * on the simulated clock, and an optional `expect:` for its own answer.
 */
import path from 'node:path';
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { parseOffset } from './offset.ts';
import { optionalEnum, parseExpect, requireString, stringMap } from './parse-test-file.ts';
import type { SequenceRequest, SignatureMode } from './types.ts';
import type { YamlReader } from './yaml-reader.ts';

const REQUEST_FIELDS = ['name', 'provider', 'payload', 'body', 'headers', 'query', 'signature', 'event', 'after', 'expect'] as const;
const SIGNATURES: readonly SignatureMode[] = ['valid', 'invalid', 'missing', 'stale'];
/** More requests than any storm a test needs to show is a typo, not a test. */
const MAX_REQUESTS = 10_000;

export function parseRequests(
  r: YamlReader,
  caseFields: Map<string, Node | null>,
  caseNode: YAMLMap,
  at: string,
  file: string,
  dir: string,
): SequenceRequest[] | null {
  const list = caseFields.get('requests');
  for (const field of ['payload', 'body', 'headers', 'query', 'signature', 'event']) {
    const given = caseFields.get(field);
    if (caseFields.has(field)) r.problem(given ?? caseNode, `${at}: \`${field}\` goes on each item of requests, not on the case`);
  }
  if (caseFields.has('repeat')) {
    r.problem(
      caseFields.get('repeat') ?? caseNode,
      `${at}: \`repeat\` is for a case of one request; list the request again in requests instead`,
    );
  }
  if (!isSeq(list) || list.items.length === 0) {
    r.problem(list ?? caseNode, `${at}.requests: must be a non-empty list of requests`);
    return null;
  }
  if (list.items.length > MAX_REQUESTS) {
    r.problem(list, `${at}.requests: at most ${MAX_REQUESTS} requests per case`);
    return null;
  }
  // The case's `provider:`, when given, is the default of every request.
  const caseProvider = caseFields.has('provider') ? requireString(r, caseFields.get('provider'), `${at}.provider`, caseNode) : undefined;
  const out: SequenceRequest[] = [];
  let ok = true;
  list.items.forEach(function readRequest(item, index) {
    const parsed = parseRequest(r, r.resolve(item), `${at}.requests[${index}]`, file, dir, caseProvider, index);
    if (parsed) out.push(parsed);
    else ok = false;
  });
  return ok ? out : null;
}

function parseRequest(
  r: YamlReader,
  node: Node | null,
  where: string,
  file: string,
  dir: string,
  caseProvider: string | undefined,
  index: number,
): SequenceRequest | null {
  if (!isMap(node)) {
    r.problem(node, `${where}: a request is a mapping with provider, payload or body, and optionally headers and after`);
    return null;
  }
  const f = r.entries(node, REQUEST_FIELDS, where);
  const provider =
    f.has('provider') || caseProvider === undefined ? requireString(r, f.get('provider'), `${where}.provider`, node) : caseProvider;
  const payloadNode = f.get('payload');
  const payload = payloadNode === undefined ? undefined : requireString(r, payloadNode, `${where}.payload`, node);
  const hasBody = f.has('body');
  if (payloadNode !== undefined && hasBody) r.problem(payloadNode, `${where}: give either payload or body, not both`);
  if (payloadNode === undefined && !hasBody) r.problem(node, `${where}: needs payload (a file) or body (inline)`);
  let afterMs = 0;
  if (f.has('after')) {
    const afterNode = f.get('after');
    const text = requireString(r, afterNode, `${where}.after`, node);
    const ms = text === undefined ? undefined : parseOffset(text);
    if (ms === undefined) r.problem(afterNode ?? node, `${where}.after: must be a duration such as 500ms, 30s, 5m, 1h, 1d or 1h30m`);
    else afterMs = ms;
  }
  const expect = f.has('expect') ? parseExpect(r, f.get('expect') ?? null, `${where}.expect`, 'request') : {};
  const event = f.has('event') ? requireString(r, f.get('event'), `${where}.event`, node) : undefined;
  const given = f.get('name');
  const name = given !== undefined ? requireString(r, given, `${where}.name`, node) : `request ${index + 1}`;
  if (!provider || expect === null || !name) return null;
  return {
    name,
    file,
    ...r.position(node),
    provider,
    ...(payload ? { payload: path.resolve(dir, payload) } : {}),
    ...(hasBody ? { body: { value: r.value(f.get('body')) } } : {}),
    headers: stringMap(r, f.get('headers'), `${where}.headers`, true),
    query: stringMap(r, f.get('query'), `${where}.query`, false),
    signature: optionalEnum(r, f.get('signature'), `${where}.signature`, SIGNATURES) ?? 'valid',
    ...(event ? { event } : {}),
    afterMs,
    expect,
  };
}
