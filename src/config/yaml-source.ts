/**
 * The parsed YAML document with positions: every node keeps its offsets, and a LineCounter turns
 * offsets into 1-based line:col, so any finding can point at the key or value at fault.
 */

import type { Document, Node, Pair, Scalar } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export type ConfigPath = readonly (string | number)[];

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface YamlSource {
  readonly text: string;
  readonly doc: Document;
  /** Line and column (1-based) of an offset into the text. */
  position(offset: number): Position;
  /** Where the key (`'key'`) or the value (`'value'`) at `path` starts; the deepest existing node when the path runs out. */
  locate(path: ConfigPath, which?: 'key' | 'value'): Position;
  /** The node at `path`, when there is one. */
  nodeAt(path: ConfigPath): Node | undefined;
}

interface Located {
  readonly key?: Node;
  readonly value?: Node | null;
}

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });

  function position(offset: number): Position {
    const p = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line, col: p.col };
  }

  /** Walks the path; returns the last pair reached (its key and value nodes). */
  function walk(path: ConfigPath): Located {
    let current: Located = { value: doc.contents as Node | null };
    for (const segment of path) {
      const node = current.value;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment)) as
          | Pair<Node, Node | null>
          | undefined;
        if (!pair) return current;
        current = { key: pair.key, value: pair.value };
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (item === undefined) return current;
        current = { value: item };
      } else {
        return current;
      }
    }
    return current;
  }

  function locate(path: ConfigPath, which: 'key' | 'value' = 'value'): Position {
    const found = walk(path);
    const node = which === 'key' ? (found.key ?? found.value) : (found.value ?? found.key);
    const start = node?.range?.[0];
    return start === undefined ? { line: 1, col: 1 } : position(start);
  }

  function nodeAt(path: ConfigPath): Node | undefined {
    const found = walk(path);
    return found.value ?? undefined;
  }

  return { text, doc, position, locate, nodeAt };
}

/**
 * The offset in the file of character `index` of a scalar's value. YAML folds, unindents and
 * unescapes scalars, so the value is aligned with its source greedily: each value character is
 * matched with the next equal source character. Exact for tokens, which is what errors point at.
 */
export function scalarSourceOffset(text: string, node: Scalar, index: number): number {
  const range = node.range;
  if (!range) return 0;
  const [start, end] = range;
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  let p = contentStart(text, node, start);
  const last = Math.min(index, value.length - 1);
  for (let v = 0; v <= last; v++) {
    const ch = value[v];
    let q = p;
    while (q < end && text[q] !== ch) q++;
    if (q >= end) continue;
    if (v === index) return q;
    p = q + 1;
  }
  return Math.min(p, Math.max(start, end - 1));
}

function isBlock(node: Scalar): boolean {
  return node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
}

function contentStart(text: string, node: Scalar, start: number): number {
  if (isBlock(node)) {
    const newline = text.indexOf('\n', start);
    return newline === -1 ? start : newline + 1;
  }
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return start + 1;
  return start;
}
