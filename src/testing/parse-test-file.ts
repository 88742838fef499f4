/**
 * Reads one `*.test.yaml` (the config-test format of `hookgate test`) into test cases, or into
 * problems with line and column when the file is malformed. Paths inside the file resolve against
 * the file's folder.
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { parseOffset } from './offset.ts';
import { parseRequests } from './parse-requests.ts';
import type {
  Expectation,
  ExpectedDelivery,
  ExpectedIgnored,
  ExpectedStatus,
  FileProblem,
  Given,
  SignatureMode,
  TestCase,
} from './types.ts';
import { type YamlReader, yamlReader } from './yaml-reader.ts';

export interface ParsedTestFile {
  readonly cases: readonly TestCase[];
  readonly problems: readonly FileProblem[];
}

const CASE_FIELDS = [
  'name',
  'provider',
  'payload',
  'body',
  'headers',
  'query',
  'signature',
  'event',
  'repeat',
  'requests',
  'expect',
] as const;
/** More sends of one request than any dedup test needs is a typo, not a test. */
const MAX_REPEAT = 100;
const EXPECT_FIELDS = ['status', 'deliveries', 'ignored'] as const;
const DELIVERY_FIELDS = ['route', 'target', 'body', 'bodyEquals', 'headers', 'error', 'held', 'dropped', 'sentAt'] as const;
/** Expectations of a delivery's fate: only a `requests:` case simulates delivery. */
const FATE_FIELDS = ['held', 'dropped', 'sentAt'] as const;
const IGNORED_FIELDS = ['route', 'reason'] as const;
const SIGNATURES: readonly SignatureMode[] = ['valid', 'invalid', 'missing', 'stale'];
const STATUS_WORDS = ['accepted', 'ignored', 'duplicate'] as const;

/**
 * Where an `expect:` stands: the case of a `requests:` sequence (its deliveries' fates are
 * simulated), a single case, or one request of a sequence.
 */
export type ExpectScope = 'sequence' | 'single' | 'request';

/** `file` is the absolute path of the test file; `text` its contents. */
export function parseTestFile(file: string, text: string): ParsedTestFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const r = yamlReader(doc, lineCounter);
  for (const error of doc.errors) {
    const at = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    r.problems.push({ line: at.line, col: at.col, message: `YAML: ${firstLine(error.message)}` });
  }
  if (doc.errors.length > 0) return { cases: [], problems: r.problems };

  const root = doc.contents;
  if (!isMap(root)) {
    r.problem(root, 'a test file is a mapping with a `tests:` list');
    return { cases: [], problems: r.problems };
  }
  const top = r.entries(root, ['tests'], 'test file');
  const list = top.get('tests');
  if (!isSeq(list)) {
    r.problem(list ?? root, '`tests:` must be a list of test cases');
    return { cases: [], problems: r.problems };
  }
  const dir = path.dirname(file);
  const cases: TestCase[] = [];
  list.items.forEach(function readCase(item, index) {
    const parsed = parseCase(r, r.resolve(item), `tests[${index}]`, file, dir);
    if (parsed) cases.push(parsed);
  });
  return { cases: r.problems.length > 0 ? [] : cases, problems: r.problems };
}

function parseCase(r: YamlReader, node: Node | null, where: string, file: string, dir: string): TestCase | null {
  if (!isMap(node)) {
    r.problem(node, `${where}: a test case is a mapping with name, provider, payload or body, and expect`);
    return null;
  }
  const given = node.get('name');
  const at = `${where}${typeof given === 'string' && given !== '' ? ` ("${given}")` : ''}`;
  const f = r.entries(node, CASE_FIELDS, at);
  const name = requireString(r, f.get('name'), `${where}.name`, node);
  const expectNode = f.get('expect');
  if (f.has('requests')) {
    if (expectNode === undefined) r.problem(node, `${at}: needs expect`);
    const expect = expectNode === undefined ? null : parseExpect(r, expectNode, `${at}.expect`, 'sequence');
    const requests = parseRequests(r, f, node, at, file, dir);
    if (!name || expect === null || requests === null) return null;
    return {
      name,
      file,
      ...r.position(node),
      provider: requests[0]?.provider ?? '',
      headers: {},
      query: {},
      signature: 'valid',
      expect,
      requests,
    };
  }
  const provider = requireString(r, f.get('provider'), `${at}.provider`, node);
  const payloadNode = f.get('payload');
  const payload = payloadNode === undefined ? undefined : requireString(r, payloadNode, `${at}.payload`, node);
  const hasBody = f.has('body');
  if (payloadNode !== undefined && hasBody) r.problem(payloadNode, `${at}: give either payload or body, not both`);
  if (payloadNode === undefined && !hasBody) r.problem(node, `${at}: needs payload (a file) or body (inline)`);
  const signature = optionalEnum(r, f.get('signature'), `${at}.signature`, SIGNATURES) ?? 'valid';
  const event = f.has('event') ? requireString(r, f.get('event'), `${at}.event`, node) : undefined;
  const repeat = f.has('repeat') ? parseRepeat(r, f.get('repeat') ?? null, `${at}.repeat`) : undefined;
  if (expectNode === undefined) r.problem(node, `${at}: needs expect`);
  const expect = expectNode === undefined ? null : parseExpect(r, expectNode, `${at}.expect`, 'single');
  if (!name || !provider || expect === null) return null;
  const { line, col } = r.position(node);
  return {
    name,
    file,
    line,
    col,
    provider,
    ...(payload ? { payload: path.resolve(dir, payload) } : {}),
    ...(hasBody ? { body: { value: r.value(f.get('body')) } } : {}),
    headers: stringMap(r, f.get('headers'), `${at}.headers`, true),
    query: stringMap(r, f.get('query'), `${at}.query`, false),
    signature,
    ...(event ? { event } : {}),
    ...(repeat !== undefined ? { repeat } : {}),
    expect,
  };
}

function parseRepeat(r: YamlReader, node: Node | null, where: string): number {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_REPEAT) return v;
  r.problem(node, `${where}: must be a whole number from 1 to ${MAX_REPEAT} (how many times the same request is sent)`);
  return 1;
}

export function parseExpect(r: YamlReader, node: Node | null, where: string, scope: ExpectScope): Expectation | null {
  if (!isMap(node)) {
    r.problem(node, `${where}: must be a mapping with status, deliveries and/or ignored`);
    return null;
  }
  const f = r.entries(node, EXPECT_FIELDS, where);
  if (f.size === 0) r.problem(node, `${where}: give at least one of status, deliveries, ignored`);
  const status = f.has('status') ? parseStatus(r, f.get('status') ?? null, `${where}.status`) : undefined;
  const deliveries = f.has('deliveries')
    ? listOf(r, f.get('deliveries') ?? null, `${where}.deliveries`, (rr, item, at) => parseDelivery(rr, item, at, scope))
    : undefined;
  const ignored = f.has('ignored') ? listOf(r, f.get('ignored') ?? null, `${where}.ignored`, parseIgnored) : undefined;
  return {
    ...(status !== undefined ? { status } : {}),
    ...(deliveries ? { deliveries } : {}),
    ...(ignored ? { ignored } : {}),
  };
}

function parseStatus(r: YamlReader, node: Node | null, where: string): ExpectedStatus | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) return v;
  if (typeof v === 'string' && (STATUS_WORDS as readonly string[]).includes(v)) return v as ExpectedStatus;
  r.problem(node, `${where}: must be accepted, ignored, duplicate or an HTTP status number (e.g. 400)`);
  return undefined;
}

function parseDelivery(r: YamlReader, node: Node | null, where: string, scope: ExpectScope): ExpectedDelivery | null {
  if (!isMap(node)) {
    r.problem(node, `${where}: a delivery is a mapping (route, target, body, bodyEquals, headers, error, held, dropped, sentAt)`);
    return null;
  }
  const f = r.entries(node, DELIVERY_FIELDS, where);
  const fate = scope === 'sequence' ? parseFate(r, f, where) : refuseFate(r, f, where, scope);
  const given = (key: string): Given<unknown> | undefined => (f.has(key) ? { value: r.value(f.get(key)) } : undefined);
  const body = given('body');
  const bodyEquals = given('bodyEquals');
  const route = f.has('route') ? requireString(r, f.get('route'), `${where}.route`, node) : undefined;
  const target = f.has('target') ? requireString(r, f.get('target'), `${where}.target`, node) : undefined;
  const error = f.has('error') ? requireString(r, f.get('error'), `${where}.error`, node) : undefined;
  return {
    ...(route ? { route } : {}),
    ...(target ? { target } : {}),
    ...(body ? { body } : {}),
    ...(bodyEquals ? { bodyEquals } : {}),
    ...(f.has('headers') ? { headers: stringMap(r, f.get('headers'), `${where}.headers`, true) } : {}),
    ...(error !== undefined ? { error } : {}),
    ...fate,
  };
}

function parseFate(r: YamlReader, f: Map<string, Node | null>, where: string): Pick<ExpectedDelivery, 'held' | 'dropped' | 'sentAtMs'> {
  const held = f.has('held')
    ? parseBoolean(r, f.get('held') ?? null, `${where}.held`, 'held back by a budget before it was sent')
    : undefined;
  const dropped = f.has('dropped')
    ? parseBoolean(r, f.get('dropped') ?? null, `${where}.dropped`, 'dead-lettered over_budget by an `over: drop` budget')
    : undefined;
  let sentAtMs: number | undefined;
  if (f.has('sentAt')) {
    const node = f.get('sentAt') ?? null;
    const v = isScalar(node) ? node.value : undefined;
    sentAtMs = typeof v === 'string' ? parseOffset(v) : undefined;
    if (sentAtMs === undefined) {
      r.problem(node, `${where}.sentAt: must be a duration since the sequence started, such as 90s, 24h or 1d30s`);
    }
  }
  return {
    ...(held !== undefined ? { held } : {}),
    ...(dropped !== undefined ? { dropped } : {}),
    ...(sentAtMs !== undefined ? { sentAtMs } : {}),
  };
}

function parseBoolean(r: YamlReader, node: Node | null, where: string, meaning: string): boolean | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'boolean') return v;
  r.problem(node, `${where}: must be true or false (${meaning})`);
  return undefined;
}

/** Fate fields outside a sequence's own expect: say where they belong. */
function refuseFate(r: YamlReader, f: Map<string, Node | null>, where: string, scope: ExpectScope): Record<string, never> {
  for (const field of FATE_FIELDS) {
    if (!f.has(field)) continue;
    r.problem(
      f.get(field) ?? null,
      scope === 'request'
        ? `${where}: \`${field}\` goes on the case's expect.deliveries: delivery is simulated once the whole sequence has run`
        : `${where}: \`${field}\` needs a requests: case (only a sequence simulates delivery); give this case's request as the one item of requests`,
    );
  }
  return {};
}

function parseIgnored(r: YamlReader, node: Node | null, where: string): ExpectedIgnored | null {
  if (!isMap(node)) {
    r.problem(node, `${where}: an ignored entry is a mapping (route, reason)`);
    return null;
  }
  const f = r.entries(node, IGNORED_FIELDS, where);
  const route = requireString(r, f.get('route'), `${where}.route`, node);
  const reason = f.has('reason') ? requireString(r, f.get('reason'), `${where}.reason`, node) : undefined;
  if (!route) return null;
  return { route, ...(reason !== undefined ? { reason } : {}) };
}

function listOf<T>(
  r: YamlReader,
  node: Node | null,
  where: string,
  parse: (r: YamlReader, item: Node | null, where: string) => T | null,
): T[] {
  if (!isSeq(node)) {
    r.problem(node, `${where}: must be a list`);
    return [];
  }
  const out: T[] = [];
  node.items.forEach(function readItem(item, index) {
    const parsed = parse(r, r.resolve(item), `${where}[${index}]`);
    if (parsed !== null) out.push(parsed);
  });
  return out;
}

export function requireString(r: YamlReader, node: Node | null | undefined, where: string, parent: Node): string | undefined {
  if (node === undefined) {
    r.problem(parent, `${where}: required`);
    return undefined;
  }
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'string' && v.length > 0) return v;
  r.problem(node ?? parent, `${where}: must be a non-empty string`);
  return undefined;
}

export function optionalEnum<T extends string>(
  r: YamlReader,
  node: Node | null | undefined,
  where: string,
  allowed: readonly T[],
): T | undefined {
  if (node === undefined) return undefined;
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  r.problem(node, `${where}: must be one of ${allowed.join(', ')}`);
  return undefined;
}

/** A mapping of scalars, values as strings. Header names are lower-cased. */
export function stringMap(r: YamlReader, node: Node | null | undefined, where: string, lowerKeys: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (node === undefined) return out;
  if (!isMap(node)) {
    r.problem(node, `${where}: must be a mapping of names to values`);
    return out;
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : null;
    const valueNode = r.resolve(pair.value);
    const value = isScalar(valueNode) ? valueNode.value : undefined;
    if (key === null || value === undefined || value === null || typeof value === 'object') {
      r.problem((pair.value as Node | null) ?? node, `${where}: each value must be a string or number`);
      continue;
    }
    out[lowerKeys ? key.toLowerCase() : key] = String(value);
  }
  return out;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
