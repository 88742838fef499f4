/** What each target's kind refuses beyond the schema (a routine's credential is its token only). */
import { kindOfConfig } from '../targets/registry.ts';
import type { CheckContext } from './check-context.ts';
import { entries, finding, isRecord } from './check-context.ts';
import type { Diagnostic } from './diagnostic.ts';

export function targetKindChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = isRecord(data) ? data : {};
  for (const [name, target] of entries(root.targets)) {
    if (!isRecord(target)) continue;
    const kind = kindOfConfig(target);
    if (!kind) continue;
    for (const problem of kind.check(target)) {
      out.push(
        finding(ctx, ['targets', name, ...problem.path], problem.at, 'error', problem.code, `target \`${name}\`: ${problem.message}`),
      );
    }
  }
  return out;
}
