import { CONTRACTS } from '../etl';
import type { Model, ModelExpr } from '../model/types';

/** One star-schema table to publish, with what its ClickHouse layout is chosen from. */
export interface PublishTable {
  readonly name: string;
  /** Facts are sharded across a cluster; dimensions get a full copy on every shard. */
  readonly kind: 'fact' | 'dimension';
  /** The column of the cube's time dimension (facts): the second sort column and the partition. */
  readonly timeColumn?: string;
  /** The model's primary-key columns (dimensions sort by them). */
  readonly primaryKey: readonly string[];
}

/**
 * The star schema as the model reads it: every table a cube names (`sql_table`), plus every
 * table an ETL contract lands in (derived cubes read those through SQL). Application state
 * (run log, rejects, users, audit, segments, questions, …) is in neither list and stays in DuckDB.
 * Facts are the tables a fact contract lands in; everything else is a dimension.
 */
export function publishedTables(model: Model): PublishTable[] {
  const facts = new Set(CONTRACTS.filter((c) => c.kind === 'fact').map((c) => c.table));
  const byName = new Map<string, { time?: string; keys: Set<string> }>();
  const entry = (name: string) => {
    let e = byName.get(name);
    if (!e) {
      e = { keys: new Set() };
      byName.set(name, e);
    }
    return e;
  };
  for (const cube of model.cubes.values()) {
    if (cube.source.kind !== 'table') continue;
    const name = cube.source.path[cube.source.path.length - 1];
    if (name === undefined) continue;
    const e = entry(name);
    const time = cube.timeDimension ? cube.dimensions.get(cube.timeDimension) : undefined;
    const timeColumn = time ? columnOf(time.sql) : undefined;
    if (timeColumn && e.time === undefined) e.time = timeColumn;
    for (const d of cube.dimensions.values()) {
      const column = d.primaryKey ? columnOf(d.sql) : undefined;
      if (column) e.keys.add(column);
    }
  }
  for (const c of CONTRACTS) entry(c.table);
  return [...byName.entries()]
    .map(([name, e]) => ({
      name,
      kind: facts.has(name) ? ('fact' as const) : ('dimension' as const),
      ...(e.time === undefined ? {} : { timeColumn: e.time }),
      primaryKey: [...e.keys],
    }))
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dimension' ? -1 : 1));
}

/** The column a member's SQL is, when it is just a column of the cube's table. */
function columnOf(expr: ModelExpr): string | undefined {
  const parts = expr.parts.filter((p) => !(p.kind === 'text' && p.text.trim() === ''));
  const [first, second] = parts;
  if (parts.length === 1 && first?.kind === 'column') return first.name;
  // `{CUBE}.column`
  if (parts.length === 2 && first?.kind === 'self' && second?.kind === 'text') {
    return /^\.([a-z_][a-z0-9_]*)$/i.exec(second.text.trim())?.[1];
  }
  return undefined;
}
