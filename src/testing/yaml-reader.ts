/**
 * Small helpers over a parsed YAML document that keep every finding tied to a line and column,
 * so a malformed test file is reported as `file:line:col message`.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';
import type { FileProblem } from './types.ts';

export interface YamlReader {
  /** Records a problem at the node (or the whole file when there is no node). */
  problem(node: Node | null | undefined, message: string): void;
  readonly problems: FileProblem[];
  /** 1-based position of a node; 0:0 when it has no range. */
  position(node: Node | null | undefined): { line: number; col: number };
  /** The plain JS value of a node (a mapping becomes an object). */
  value(node: Node | null | undefined): unknown;
  /** The pairs of a mapping with scalar keys, reporting keys not in `allowed`; values with aliases resolved. */
  entries(map: YAMLMap, allowed: readonly string[], where: string): Map<string, Node | null>;
  /** The node an alias (`*name`) stands for, so a repeated entry can be written once with `&name`. */
  resolve(node: unknown): Node | null;
}

export function yamlReader(doc: Document, lineCounter: LineCounter): YamlReader {
  const problems: FileProblem[] = [];

  function position(node: Node | null | undefined): { line: number; col: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 0, col: 0 };
    return lineCounter.linePos(offset);
  }

  function problem(node: Node | null | undefined, message: string): void {
    problems.push({ ...position(node), message });
  }

  function value(node: Node | null | undefined): unknown {
    if (node === null || node === undefined) return null;
    return node.toJS(doc) as unknown;
  }

  function resolve(node: unknown): Node | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? node;
    return node as Node;
  }

  function entries(map: YAMLMap, allowed: readonly string[], where: string): Map<string, Node | null> {
    const out = new Map<string, Node | null>();
    for (const pair of map.items) {
      const keyNode = isScalar(pair.key) ? pair.key : null;
      const key = keyNode ? String(keyNode.value) : null;
      if (key === null || keyNode === null) {
        problem(isMap(pair.key) || isSeq(pair.key) ? pair.key : map, `${where}: keys must be plain names`);
        continue;
      }
      if (!allowed.includes(key)) {
        problem(keyNode, `${where}: unknown field "${key}" (expected one of: ${allowed.join(', ')})`);
        continue;
      }
      out.set(key, resolve(pair.value));
    }
    return out;
  }

  return { problem, problems, position, value, entries, resolve };
}
