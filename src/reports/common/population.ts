import { AppError } from '../../errors';
import type { Population } from '../../model/logical-query';
import { joinTree } from '../../query/planner';
import { resolvePopulation } from '../../query/population';
import type { QueryFilter } from '../../query/schema';
import type { SelectColumn, SqlNode } from '../../sql';
import { ident, utcToLocal } from '../../sql';
import { compilePopulation } from '../../sql/compile/rows';
import type { ReportContext } from './context';

export interface PopulationInput {
  readonly filters: readonly QueryFilter[];
  readonly segments: readonly string[];
  readonly timezone?: string;
}

/** A column of the population's root cube (alias = cube name). */
export function col(population: Population, name: string): SqlNode {
  return ident(population.root.name, name);
}

/**
 * A timestamp column as wall-clock time in the report's zone (the warehouse holds UTC). In UTC,
 * the column itself, so no conversion slows the scan.
 */
export function localTime(population: Population, name: string): SqlNode {
  const c = col(population, name);
  return population.timezone === undefined ? c : utcToLocal(c, population.timezone);
}

/** The population of a root cube; `join` names further cubes the report reads columns of. */
export function population(
  ctx: ReportContext,
  root: string,
  input: PopulationInput,
  join: readonly string[] = [],
): Population {
  const p = resolvePopulation(ctx.model, root, input, ctx.now());
  if (join.length === 0) return p;
  const cubes = new Set([...p.joins.map((e) => e.to), ...join]);
  return { ...p, joins: joinTree(ctx.model, root, cubes) };
}

/**
 * Splits a population filter between several facts: each filter and segment goes to every root
 * whose joins reach its members (e.g. customers.region applies to orders and to responses).
 */
export function splitPopulation(
  ctx: ReportContext,
  roots: readonly string[],
  input: PopulationInput,
  /** Cubes whose filters belong to one root only, e.g. campaigns → campaign_responses. */
  owners: Readonly<Record<string, string>> = {},
): Map<string, PopulationInput> {
  const out = new Map<string, { filters: QueryFilter[]; segments: string[]; timezone?: string }>(
    roots.map((r) => [r, { filters: [], segments: [], timezone: input.timezone }]),
  );
  const fits = (root: string, part: PopulationInput) => {
    try {
      resolvePopulation(ctx.model, root, part, ctx.now());
      return true;
    } catch (e) {
      if (e instanceof AppError && e.code === 'INVALID_QUERY') return false;
      throw e;
    }
  };
  const place = (
    part: PopulationInput,
    describe: string,
    add: (target: { filters: QueryFilter[]; segments: string[] }) => void,
  ) => {
    const cubes = new Set(
      [...part.filters.flatMap(filterMembers), ...part.segments].map((m) => m.split('.')[0]!),
    );
    const owned = [...cubes].map((c) => owners[c]).filter((o): o is string => o !== undefined);
    const candidates =
      owned.length > 0 && owned.length === cubes.size && new Set(owned).size === 1 ? owned : roots;
    const targets = candidates.filter((r) => fits(r, part));
    if (targets.length === 0) {
      throw new AppError(
        'INVALID_QUERY',
        `the population filter ${describe} applies to none of ${roots.join(', ')}`,
      );
    }
    for (const t of targets) add(out.get(t)!);
  };
  for (const f of input.filters)
    place({ filters: [f], segments: [], timezone: input.timezone }, JSON.stringify(f), (t) =>
      t.filters.push(f),
    );
  for (const s of input.segments)
    place({ filters: [], segments: [s], timezone: input.timezone }, s, (t) => t.segments.push(s));
  return out;
}

/** The population's rows with the given columns, as a subquery for a report's CTEs. */
export function populationRows(ctx: ReportContext, p: Population, columns: readonly SelectColumn[]): SqlNode {
  return compilePopulation(ctx.model, p, columns);
}

function filterMembers(f: QueryFilter): string[] {
  if ('and' in f) return f.and.flatMap(filterMembers);
  if ('or' in f) return f.or.flatMap(filterMembers);
  return [(f.member ?? f.dimension)!];
}
