import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END_MARKER, markdownCell, README_FILE, renderProviderTable, START_MARKER, withProviderTable } from './readme-table.ts';
import { verifierTypes } from './registry.ts';

describe("README's provider table", () => {
  it('is the one the registry generates (run `node bin/run-ts.js src/providers/readme-table.ts` after changing a type)', () => {
    const readme = readFileSync(README_FILE, 'utf8');
    expect(withProviderTable(readme)).toBe(readme);
  });

  it('has one row per registered type, naming its provider and dedup key', () => {
    const table = renderProviderTable();
    for (const verifierType of verifierTypes.values()) {
      const line = table.split('\n').find((l) => l.startsWith(`| \`${verifierType.type}\` `));
      expect(line).toBeDefined();
      expect(line).toContain(verifierType.docs.provider);
    }
    expect(table.split('\n').filter((l) => l.startsWith('| `')).length).toBe(verifierTypes.size);
  });

  it('escapes a | and a line break inside a cell, so a row keeps its five columns', () => {
    expect(markdownCell('a | b\nc')).toBe('a \\| b c');
  });

  it('pads every row to one width, as the formatter lays the table out', () => {
    const rows = renderProviderTable()
      .split('\n')
      .filter((l) => l.startsWith('| '));
    expect(rows.length).toBe(verifierTypes.size + 2);
    for (const line of rows) {
      expect(line.split('|').length).toBe(7);
      expect(line.length).toBe(rows[0]!.length);
    }
  });

  it('refuses a README without the markers instead of appending a second table', () => {
    expect(() => withProviderTable('# readme\n')).toThrow(/markers are missing/);
    expect(withProviderTable(`a\n${START_MARKER}\nold\n${END_MARKER}\nb`)).toBe(`a\n${renderProviderTable()}\nb`);
  });
});
