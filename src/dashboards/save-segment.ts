import { AppError } from '../errors';
import type { SegmentDefinition } from '../reports/target-groups/definition';
import type { TileResult } from './run-tile';

/**
 * The target-group definition for the group a user picked on a report tile: the tile's effective
 * parameters (dashboard filters applied) and the picked value of its `save_segment` field, so
 * that the saved list holds exactly the customers the tile counted.
 */
export function segmentDefinitionFor(tile: TileResult, value: unknown): SegmentDefinition {
  const params = tile.params ?? {};
  const bad = (why: string) =>
    new AppError('INVALID_QUERY', `tile "${tile.name}": ${why}`, { tile: tile.name, value });
  if (value === null || value === undefined || value === '') throw bad('pick a group to save');
  switch (tile.report) {
    case 'rfm':
      return /^\d+$/.test(String(value))
        ? { source: 'rfm', params, cells: [String(value)] }
        : { source: 'rfm', params, segments: [String(value)] };
    case 'segments': {
      const cluster = Number(value);
      if (!Number.isInteger(cluster) || cluster < 0) throw bad(`"${value}" is not a cluster number`);
      return { source: 'cluster', params, cluster };
    }
    case 'funnel': {
      const step = Number(value);
      if (!Number.isInteger(step) || step < 1) throw bad(`"${value}" is not a funnel step number`);
      // The last step's group is those who completed the funnel: nobody drops out there.
      const steps = Array.isArray(params['steps']) ? params['steps'].length : 0;
      return { source: 'funnel', params, step, which: step === steps ? 'reached' : 'dropped' };
    }
    case 'cohort':
      return { source: 'cohort', params, cohort: String(value).slice(0, 10) };
    case 'clv': {
      // A cell of the value × P(alive) grid: its bounds are in its row.
      const row = tile.data.find((r) => String(r['cell']) === String(value));
      if (!row) throw bad(`"${value}" is not a cell of the grid`);
      const n = (k: string) => (row[k] === null || row[k] === undefined ? undefined : Number(row[k]));
      const from = n('past_value_from');
      const pMin = n('p_alive_min');
      return {
        source: 'clv',
        params,
        ...(from ? { min_value: from } : {}),
        ...(n('past_value_to') !== undefined ? { max_value: n('past_value_to') } : {}),
        ...(pMin ? { min_p_alive: pMin } : {}),
        max_p_alive: n('p_alive_max') ?? 1,
      };
    }
    default:
      throw bad(`a ${tile.report ?? 'query'} tile cannot be saved as a target group`);
  }
}
