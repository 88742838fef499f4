/** Test helper (tests only): the raw bytes and parsed body of a payload from samples/<name>/. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function providerFixture(provider: string, file: string): { raw: Buffer; body: unknown } {
  const url = new URL(`../../samples/${provider}/${file}`, import.meta.url);
  const raw = readFileSync(fileURLToPath(url));
  return { raw, body: JSON.parse(raw.toString('utf8')) as unknown };
}
