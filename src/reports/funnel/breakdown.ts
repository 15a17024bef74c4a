import { AppError } from '../../errors';
import { joinPath } from '../../model/join-graph';
import { findMember } from '../../model/lookup';
import type { Dimension } from '../../model/types';
import { checkBreakdownDimension } from '../common/breakdown';
import type { ReportContext } from '../common/context';

/**
 * The breakdown dimension: a dimension of the source cube (`source` or `web_events.source`), a key
 * of one of its JSON dimensions (`properties.$browser`) or a dimension of a cube it joins
 * (`customers.region`: the actor's customer on the step-1 row).
 */
export function breakdownDimension(ctx: ReportContext, source: string, name: string): Dimension {
  const head = name.split('.')[0]!;
  const full =
    head !== source && ctx.model.cubes.has(head)
      ? name
      : name.startsWith(`${source}.`)
        ? name
        : `${source}.${name}`;
  const cube = full.split('.')[0]!;
  const short = full.slice(cube.length + 1);
  const parent = ctx.model.cubes.get(cube)?.dimensions.get(short.split('.')[0]!);
  // A key of a JSON dimension (`properties.$browser`) is a dimension of its cube too.
  const d = short.includes('.')
    ? parent?.json
      ? (findMember(ctx.model, full, 'dimension', 'breakdown').member as Dimension)
      : undefined
    : parent;
  if (!d) {
    throw new AppError(
      'VALIDATION_FAILED',
      `breakdown: ${name} is not a dimension of ${source} or of a cube it joins (e.g. ${source}.${[...(ctx.model.cubes.get(source)?.dimensions.keys() ?? [])].slice(0, 4).join(`, ${source}.`)})`,
    );
  }
  checkBreakdownDimension(d);
  if (d.cube !== source && joinPath(ctx.model.edges, source, d.cube) === undefined) {
    throw new AppError('VALIDATION_FAILED', `breakdown: ${source} does not join ${d.cube}`);
  }
  return d;
}
