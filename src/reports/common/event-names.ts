import { AppError } from '../../errors';
import { sql } from '../../sql';
import { compilePopulation } from '../../sql/compile/rows';
import type { ReportContext } from './context';
import { population } from './population';

/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** The known names closest to `name` (at most three, within a third of its length, at least 2). */
export function closestNames(name: string, known: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  return known
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
    .filter((x) => x.d <= limit || x.k.toLowerCase().includes(lower) || lower.includes(x.k.toLowerCase()))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map((x) => x.k);
}

/**
 * Refuses (400 VALIDATION_FAILED) any name not among `known`, naming it, what it might have
 * meant, and where it was given: `steps[2].event: "sign_up" is not an event of web_events; did
 * you mean "signup_completed"?`.
 */
export function checkEventNames(
  names: readonly { readonly name: string; readonly where: string }[],
  known: readonly string[],
  source: string,
): void {
  const set = new Set(known);
  const unknown = names.filter((n) => !set.has(n.name));
  if (unknown.length === 0) return;
  const messages = unknown.map(({ name, where }) => {
    const close = closestNames(name, known);
    const hint =
      close.length > 0
        ? `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`
        : known.length > 0
          ? `; the events present are ${known
              .slice(0, 12)
              .map((k) => `"${k}"`)
              .join(', ')}${known.length > 12 ? ', …' : ''}`
          : `; ${source} holds no events`;
    return `${where}: "${name}" is not an event of ${source}${hint}`;
  });
  throw new AppError('VALIDATION_FAILED', messages.join('; '), {
    unknown: unknown.map((u) => u.name),
    suggestions: Object.fromEntries(unknown.map((u) => [u.name, closestNames(u.name, known)])),
  });
}

/**
 * The distinct values of an event-like dimension that the user may see (their row rules apply),
 * over all time: what reports validate event names against. Cheap: one scan of one column.
 */
export async function eventsPresent(ctx: ReportContext, cube: string, dimension: string): Promise<string[]> {
  const p = population(ctx, cube, { filters: [], segments: [] });
  const d = ctx.model.cubes.get(cube)?.dimensions.get(dimension);
  if (!d) throw new Error(`${cube} has no dimension ${dimension}`);
  const rows = compilePopulation(ctx.model, p, (m) => [{ expr: m.dimension(d), alias: 'event' }]);
  const r = await ctx.engine.query(
    sql`SELECT DISTINCT event FROM (${rows}) WHERE event IS NOT NULL ORDER BY event`,
  );
  return r.rows.map((x) => String(x['event']));
}

/**
 * Refuses event names neither rapport knows (`known`: always accepted, so an empty warehouse
 * gives zeros) nor present in the rows of `cube` the user may see (`dimension`). The column is
 * read only when some name is not known (0.05 s at 50M events, 0.4 s from a cold cache).
 */
export async function checkEventsPresent(
  ctx: ReportContext,
  cube: string,
  dimension: string,
  names: readonly { readonly name: string; readonly where: string }[],
  known: readonly string[],
): Promise<void> {
  if (names.every((n) => known.includes(n.name))) return;
  const present = await eventsPresent(ctx, cube, dimension);
  checkEventNames(names, [...new Set([...known, ...present])], cube);
}
