import { splitMemberName } from '../../model/names';
import type { Model } from '../../model/types';
import { type LabelRule, labelOf } from '../../util/labels';
import type { FilterValues } from '../filters';
import type { TileResult } from '../run-tile';
import type { Dashboard } from '../schema';
import type { ExportContext } from '../web/shared/export-types';
import { tilePeriod } from './period';

/** What the context of a dashboard's exported tiles is read from. */
export interface ExportInput {
  readonly dashboard: Pick<Dashboard, 'title' | 'filters'>;
  /** The filters' values the tiles ran with (URL parameters, else defaults). */
  readonly values: FilterValues;
  /** The requesting user's model: the labels of filtered values. */
  readonly model: Model;
  /** The server's clock, which relative periods are read against. */
  readonly now: Date;
}

/** A filter with many values names the first few: "A, B, C, D and 3 more". */
const SHOWN_VALUES = 4;

function labelRule(model: Model, member: string): LabelRule {
  const split = splitMemberName(member);
  return (split && model.cubes.get(split[0])?.dimensions.get(split[1])) || {};
}

/**
 * What an exported tile says around its chart: the dashboard, the period in words, the
 * dimension filters that restricted it with their values as people read them, and the filters
 * that are set but do not apply to it (by their titles, as the page's tile footer names them).
 */
export function exportContext(input: ExportInput, tile: TileResult): ExportContext {
  const titleOf = (name: string) => input.dashboard.filters.find((f) => f.name === name)?.title ?? name;
  const filters: string[] = [];
  for (const f of input.dashboard.filters) {
    if (f.type !== 'dimension' || !tile.applied.includes(f.name)) continue;
    const values = (input.values[f.name] ?? []) as readonly string[];
    const rule = labelRule(input.model, f.dimension);
    const shown = values.slice(0, SHOWN_VALUES).map((v) => labelOf(v, rule));
    const more = values.length - shown.length;
    filters.push(`${titleOf(f.name)}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  const period = tilePeriod(tile, input.now);
  return {
    dashboard: input.dashboard.title,
    ...(period ? { period } : {}),
    filters,
    ignored: tile.ignored.map(titleOf),
  };
}
