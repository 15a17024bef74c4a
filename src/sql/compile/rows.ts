import type { Population } from '../../model/logical-query';
import type { Dimension, Measure, Model } from '../../model/types';
import type { SelectColumn, SelectNode } from '../ast';
import { select } from '../factories';
import { compileFilter } from './conditions';
import { MemberCompiler } from './members';
import { joinClauses, tableOf } from './tables';

/**
 * The rows of a population: `columns` (expressions over the root cube's alias, which is its
 * name) from the root's table, with the joins and conditions the population filter needs.
 */
export function compilePopulation(
  model: Model,
  population: Population,
  columns: readonly SelectColumn[] | ((members: MemberCompiler) => readonly SelectColumn[]),
  now?: Date,
): SelectNode {
  const members = new MemberCompiler(model, now);
  const target = (m: Dimension | Measure) =>
    m.kind === 'dimension' ? members.dimension(m) : members.measure(m);
  return select({
    columns: typeof columns === 'function' ? columns(members) : columns,
    from: tableOf(members, population.root.name),
    joins: joinClauses(members, population.joins),
    where: population.where
      ? compileFilter(population.where, members, target, population.timezone)
      : undefined,
  });
}
