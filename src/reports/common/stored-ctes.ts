import type { Engine, Session } from '../../engine';
import { ident, sql } from '../../sql';
import { type Cte, withCtes } from './ctes';
import { dropTempTables, tempTableName } from './temp';

/** Rewrites a list of CTEs so that the stored ones read their temp table. */
export type StoredCtes = (ctes: readonly Cte[]) => Cte[];

/** No CTE stored: the list as it is (one statement computes everything). */
export const noStoredCtes: StoredCtes = (ctes) => [...ctes];

/**
 * Computes `ctes` (those `store` names; all by default) once, each into a temp table, on one
 * session, for the body's statements, and drops them afterwards. Each CTE may read the ones
 * before it in the list (and tables). The body's statements name the CTEs as before:
 * `stored(list)` gives the list with each stored CTE replaced by a read of its table.
 *
 * Why: ClickHouse inlines a CTE at every reference (its `AS MATERIALIZED` is experimental, off by
 * default, and in 26.7 fails on some shapes with "Reading from materialized CTE … before its
 * materialization completed"), so a plan whose CTEs build on each other and are read several
 * times recomputes them at each reading: a funnel's landings l1 … l5 each inline the levels
 * before them, and a breakdown reads them four times. A temp table is computed once on every
 * version. Where the dialect materialises CTEs (DuckDB), nothing is stored: the statement
 * computes a CTE once itself, as before.
 */
export async function withStoredCtes<T>(
  engine: Engine,
  ctes: readonly Cte[],
  body: (session: Session, stored: StoredCtes) => Promise<T>,
  store: (name: string) => boolean = () => true,
): Promise<T> {
  return engine.withSession(async (session) => {
    const { stored, drop } = await storeCtes(session, ctes, store);
    try {
      return await body(session, stored);
    } finally {
      await drop();
    }
  });
}

/** As withStoredCtes, on a session the caller holds: `drop` removes the tables and never throws. */
export async function storeCtes(
  session: Session,
  ctes: readonly Cte[],
  store: (name: string) => boolean = () => true,
): Promise<{ stored: StoredCtes; drop: () => Promise<void> }> {
  // An engine that materialises a CTE within the statement (DuckDB) computes it once there.
  if (session.dialect.supportsMaterializedCte) return { stored: noStoredCtes, drop: async () => {} };
  const tables = new Map<string, string>();
  const stored: StoredCtes = (list) =>
    list.map(([name, query, materialized]) => {
      const table = tables.get(name);
      return table === undefined ? [name, query, materialized] : [name, sql`SELECT * FROM ${ident(table)}`];
    });
  const drop = () => dropTempTables(session, tables.values());
  try {
    for (const [i, [name, query]] of ctes.entries()) {
      if (!store(name)) continue;
      // A name new to this process (chdb is one session for every caller).
      const table = tempTableName(`cte_${name}`);
      // The CTEs before it as they are (an unused one is never computed), the stored ones read.
      const before = stored(ctes.slice(0, i));
      await session.exec({
        kind: 'create_temp_table',
        name: table,
        query: before.length === 0 ? query : withCtes(before, query),
      });
      tables.set(name, table);
    }
  } catch (e) {
    await drop();
    throw e;
  }
  return { stored, drop };
}
