import type { Engine, Session } from '../../engine';
import { ident, type SqlNode, sql } from '../../sql';

let counter = 0;

/**
 * A temp table name new to this process: `__<what>_<pid>_<n>`. The pid and the counter keep it
 * apart from every other report's, also on chdb, where one session serves the whole process.
 */
export function tempTableName(what: string): string {
  return `__${what}_${process.pid}_${++counter}`;
}

/**
 * Drops temp tables, each on its own: one that fails does not keep the others, and nothing is
 * thrown, so a drop in a `finally` never hides the error of the work before it (a timed-out
 * ClickHouse session may refuse the DROP too). A table left behind dies with its session; on
 * chdb, one session for the process, it stays until the process ends.
 */
export async function dropTempTables(session: Session, names: Iterable<string>): Promise<void> {
  for (const name of names) {
    try {
      await session.exec(sql`DROP TABLE IF EXISTS ${ident(name)}`);
    } catch {
      // Nothing more to do: see above.
    }
  }
}

/**
 * Materialises `query` as a temp table for the body (several summaries of one expensive
 * result), on one session, and drops it afterwards.
 */
export async function withTempTable<T>(
  engine: Engine,
  query: SqlNode,
  body: (session: Session, table: SqlNode) => Promise<T>,
): Promise<T> {
  const name = tempTableName('report');
  return engine.withSession(async (session) => {
    // The dialect spells it (ClickHouse needs an engine); the name is new to this process.
    await session.exec({ kind: 'create_temp_table', name, query });
    try {
      return await body(session, ident(name));
    } finally {
      await dropTempTables(session, [name]);
    }
  });
}
