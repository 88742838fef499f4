/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must be
 * a HELP or TYPE comment, blank, or a sample `name{label="value",...} value [timestamp]`, and
 * every sample must belong to a family declared by TYPE. Anything else throws, naming the line.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  /** Family name → counter | gauge | histogram | summary | untyped. */
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
  /** The value of the one sample with this name whose labels include `labels`; 0 when none. */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const HELP = new RegExp(`^# HELP (${NAME})(?: .*)?$`);
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string, lineNo: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (!m) throw new Error(`line ${lineNo}: bad labels at "${text.slice(start)}"`);
    labels[m[1]!] = unescapeLabel(m[2]!);
    if (m[3] === '') break;
  }
  return labels;
}

function parseValue(text: string, lineNo: number): number {
  // Go's ParseFloat (what Prometheus uses) takes NaN and Inf in any case; prom-client writes "Nan".
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const n = Number(text);
  if (text === '' || Number.isNaN(n)) throw new Error(`line ${lineNo}: "${text}" is not a sample value`);
  return n;
}

function familyOf(name: string, types: ReadonlyMap<string, string>): string | undefined {
  if (types.has(name)) return name;
  const suffix = SUFFIXES.find((s) => name.endsWith(s) && types.has(name.slice(0, -s.length)));
  return suffix === undefined ? undefined : name.slice(0, -suffix.length);
}

export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach(function parseLine(line, index) {
    const lineNo = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const type = TYPE.exec(line);
      if (type) {
        if (types.has(type[1]!)) throw new Error(`line ${lineNo}: second TYPE for ${type[1]}`);
        types.set(type[1]!, type[2]!);
      } else if (!HELP.test(line)) {
        throw new Error(`line ${lineNo}: comment is neither HELP nor TYPE: ${line}`);
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${lineNo}: not a sample: ${line}`);
    const name = m[1]!;
    if (familyOf(name, types) === undefined) throw new Error(`line ${lineNo}: ${name} has no TYPE line`);
    samples.push({ name, labels: m[2] === undefined ? {} : parseLabels(m[2], lineNo), value: parseValue(m[3]!, lineNo) });
  });
  return {
    types,
    samples,
    value(name, labels = {}) {
      const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
      return found[0]?.value ?? 0;
    },
  };
}
