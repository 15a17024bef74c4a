import type { Engine } from '../../engine';
import { fn, raw, type SelectColumn, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { population, populationRows } from '../common/population';

/** The 64-bit hash actors are keyed by (DuckDB `hash`, ClickHouse `cityHash64`). */
export const defaultActorHash = (id: SqlNode): SqlNode => fn.hash(id);

/**
 * The hash of an id with its lowest bit replaced by whether the id names a customer (`named`):
 * where every id names a customer on all its rows or on none (not ActorIds.mixed), whether an
 * actor is a known customer is then read off its key (`keyNamesCustomer`) at every level of the
 * funnel, instead of looked up by a join per level. Bits by literals: DuckDB's UBIGINT stays one.
 */
export function foldNamed(hash: SqlNode, named: SqlNode): SqlNode {
  const one = raw('1');
  return sql`CASE WHEN ${named} THEN ${fn.bitOr(hash, one)} ELSE ${fn.bitShiftLeft(fn.bitShiftRight(hash, one), one)} END`;
}

/** How rows are keyed: the key of a row (alias `row`, with its id as `aid`) and the columns it reads. */
export interface ActorKey {
  readonly of: (row: string) => SqlNode;
  /** Columns the rows need besides `aid` (`named`, for a folded key). */
  readonly columns: readonly SelectColumn[];
}

/** Whether a key made by foldNamed names a customer. */
export const keyNamesCustomer = (key: SqlNode): SqlNode => sql`${fn.bitAnd(key, raw('1'))} <> 0`;

/** What holds of the actor ids of a source, over every row the user may see. */
export interface ActorIds {
  /**
   * No two ids share a hash, nor a hash but its lowest bit: keyed by hash (or by foldNamed), a
   * funnel gives exactly the answer keyed by id.
   */
  readonly hashesDistinct: boolean;
  /**
   * Some id is on rows that name a customer and on rows that do not (an anonymous id equal to a
   * customer id): only then can whether an actor is a known customer differ between its rows.
   */
  readonly mixed: boolean;
}

/**
 * Checks by engine, then by the SQL of the check (which carries the source, the actor and the
 * user's row rules), with the data version each was read at.
 */
const checks = new WeakMap<Engine, Map<string, { version: number; ids: Promise<ActorIds> }>>();

/**
 * What holds of the actor ids (`actorId`) of `source` that the user may see, `named` saying
 * whether a row names a customer. Read over every such row, all time: a superset of any funnel's
 * population, so what holds there holds in every subset. It takes about 2 s at 50M events, so
 * it is kept per data version when the context has one (the server's does; an ETL run that
 * changes data gives a new version).
 */
export async function actorIds(
  ctx: ReportContext,
  source: string,
  actorId: SqlNode,
  named: SqlNode,
  hash: (id: SqlNode) => SqlNode = defaultActorHash,
): Promise<ActorIds> {
  const p = population(ctx, source, { filters: [], segments: [] });
  const rows = populationRows(ctx, p, [
    { expr: actorId, alias: 'aid' },
    { expr: sql`CASE WHEN ${named} THEN 1 ELSE 0 END`, alias: 'named' },
  ]);
  const check = sql`SELECT count(*) AS ids, count(DISTINCT ${fn.bitShiftRight(hash(raw('d.aid')), raw('1'))}) AS hashes,
                           count(CASE WHEN d.lo <> d.hi THEN 1 END) AS mixed
                    FROM (SELECT r.aid AS aid, min(r.named) AS lo, max(r.named) AS hi FROM (${rows}) r
                          WHERE r.aid IS NOT NULL GROUP BY r.aid) d`;
  const run = async (): Promise<ActorIds> => {
    const r = (await ctx.engine.query(check)).rows[0] ?? {};
    return {
      hashesDistinct: Number(r['ids'] ?? 0) === Number(r['hashes'] ?? 0),
      mixed: Number(r['mixed'] ?? 0) > 0,
    };
  };
  if (ctx.dataVersion === undefined) return run();
  const version = ctx.dataVersion();
  const key = JSON.stringify(check);
  const byCheck = checks.get(ctx.engine) ?? new Map();
  checks.set(ctx.engine, byCheck);
  const known = byCheck.get(key);
  if (known !== undefined && known.version === version) return known.ids;
  const ids = run();
  byCheck.set(key, { version, ids });
  // A failed check is not kept: the next report asks again.
  ids.catch(() => byCheck.delete(key));
  return ids;
}
