export type { Population } from '../model/logical-query';

import { AppError } from '../errors';
import { joinPath } from '../model/join-graph';
import { allOf, type LogicalFilter, type Population } from '../model/logical-query';
import { findSegment } from '../model/lookup';
import type { Model } from '../model/types';
import { isValidTimeZone } from './date-range';
import { resolveFilters } from './filters';
import { cubeNames, cubesOf, joinTree, rowFilterExprs } from './planner';
import type { QueryFilter } from './schema';

/**
 * Resolves a report's population filter, written in the cube filter language (filters and
 * segments of any cube the fact reaches), into row conditions on the fact.
 */
export function resolvePopulation(
  model: Model,
  root: string,
  input: { filters?: readonly QueryFilter[]; segments?: readonly string[]; timezone?: string },
  now: Date,
): Population {
  const cube = model.cubes.get(root);
  if (!cube) throw new Error(`no cube ${root}`);
  const timezone = input.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) throw new AppError('VALIDATION_FAILED', `unknown time zone "${timezone}"`);
  const { rows, aggregates } = resolveFilters(input.filters ?? [], { model, timezone, now });
  if (aggregates.length > 0) {
    throw new AppError(
      'INVALID_QUERY',
      'a population filter selects rows: filter dimensions and segments, not measures',
    );
  }
  const conditions: LogicalFilter[] = [
    ...rows,
    ...(input.segments ?? []).map((s) => ({ kind: 'segment' as const, segment: findSegment(model, s) })),
  ];
  const needed = new Set<string>();
  for (const c of conditions) for (const r of rowFilterExprs(c)) cubesOf(model, r.cube, r.exprs, needed);
  const cubes = cubeNames(needed);
  const unreachable = [...cubes].filter((c) => c !== root && joinPath(model.edges, root, c) === undefined);
  if (unreachable.length > 0) {
    throw new AppError(
      'INVALID_QUERY',
      `the population filter uses ${unreachable.join(', ')}, which ${root} does not reach`,
    );
  }
  return {
    root: cube,
    where: allOf(conditions),
    joins: joinTree(model, root, cubes),
    timezone: timezone === 'UTC' ? undefined : timezone,
  };
}
