import type { JsonValue, Row } from '../../engine';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { listedBreakdown } from '../insights/common/source';
import { type PathsParams, PathsParamsSchema } from './params';
import { pathOf, planPaths } from './plan';

export const PATHS_COLUMNS = ['breakdown', 'rank', 'path', 'steps', 'sessions', 'actors'] as const;

export interface PathRow {
  rank: number;
  path: string[];
  sessions: number;
  actors: number;
}

/**
 * A flow chart of the top paths: node `i_event` is step i (1-based) of a path; paths to an
 * end_event are numbered so that it is step `steps`.
 */
export interface PathsFlow {
  nodes: { id: string; step: number; event: string; sessions: number }[];
  /** Step i → step i + 1 in the top paths, value = their sessions. */
  links: { source: string; target: string; value: number }[];
}

export interface PathsGroup {
  breakdown_value?: JsonValue;
  paths: PathRow[];
  flow: PathsFlow;
}

export interface PathsResult {
  params: PathsParams;
  as_of: string | null;
  /** The first day of the range, when one is set (`from`, or a date range filter on the event time). */
  from: string | null;
  breakdown?: string;
  groups: PathsGroup[];
}

/**
 * Nodes and links of the given paths (each counted with its sessions). Paths to an end event are
 * aligned on it: their last step is step `steps`, so the end event is one node.
 */
export function flowOf(paths: readonly PathRow[], alignEnd?: number): PathsFlow {
  const nodes = new Map<string, { id: string; step: number; event: string; sessions: number }>();
  const links = new Map<string, { source: string; target: string; value: number }>();
  for (const p of paths) {
    const shift = alignEnd === undefined ? 0 : alignEnd - p.path.length;
    p.path.forEach((event, j) => {
      const i = j + shift;
      const id = `${i + 1}_${event}`;
      const n = nodes.get(id) ?? { id, step: i + 1, event, sessions: 0 };
      n.sessions += p.sessions;
      nodes.set(id, n);
      if (j + 1 < p.path.length) {
        const target = `${i + 2}_${p.path[j + 1]}`;
        const key = JSON.stringify([id, target]);
        const l = links.get(key) ?? { source: id, target, value: 0 };
        l.value += p.sessions;
        links.set(key, l);
      }
    });
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => a.step - b.step || b.sessions - a.sessions),
    links: [...links.values()].sort((a, b) => b.value - a.value),
  };
}

export async function pathsReport(ctx: ReportContext, input: unknown): Promise<PathsResult> {
  const plan = await planPaths(ctx, input);
  const rows = plan.top ? (await ctx.engine.query(plan.top)).rows : [];
  const groups = new Map<string, { value: JsonValue; paths: PathRow[] }>();
  for (const r of rows) {
    const key = JSON.stringify(r['breakdown'] ?? null);
    if (!groups.has(key)) groups.set(key, { value: r['breakdown'] ?? null, paths: [] });
    groups.get(key)!.paths.push({
      rank: Number(r['rank']),
      path: pathOf(r, plan.params.steps),
      sessions: Number(r['sessions']),
      actors: Number(r['actors']),
    });
  }
  return {
    params: plan.params,
    as_of: plan.asOf,
    from: plan.from ?? null,
    ...(plan.breakdown ? { breakdown: plan.breakdown } : {}),
    groups: [...groups.values()].map((g) => ({
      ...(plan.breakdown ? { breakdown_value: g.value } : {}),
      paths: g.paths,
      flow: flowOf(g.paths, plan.params.end_event === undefined ? undefined : plan.params.steps),
    })),
  };
}

export const paths = defineReport<PathsParams>({
  name: 'paths',
  description:
    'The most common paths of events within sessions, from or to an event, with a flow chart of the steps',
  // On both engines (tests/parity/insights.test.ts).
  engines: ['duckdb', 'clickhouse'],
  schema: PathsParamsSchema,
  lists: ({ breakdown }) => listedBreakdown(breakdown),
  async run(ctx, params) {
    const json = await pathsReport(ctx, params);
    const data: Row[] = json.groups.flatMap((g) =>
      g.paths.map((p) => ({
        breakdown: g.breakdown_value ?? null,
        rank: p.rank,
        path: p.path.join(' → '),
        steps: p.path.length,
        sessions: p.sessions,
        actors: p.actors,
      })),
    );
    return { json: json as unknown as Record<string, unknown>, rows: { columns: [...PATHS_COLUMNS], data } };
  },
});
