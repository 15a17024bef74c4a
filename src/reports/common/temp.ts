import type { Engine, Session } from '../../engine';
import { ident, type SqlNode, sql } from '../../sql';

let counter = 0;

/**
 * Materialises `query` as a temp table for the body (several summaries of one expensive
 * result), on one session, and drops it afterwards.
 */
export async function withTempTable<T>(
  engine: Engine,
  query: SqlNode,
  body: (session: Session, table: SqlNode) => Promise<T>,
): Promise<T> {
  const name = `__report_${process.pid}_${++counter}`;
  return engine.withSession(async (session) => {
    // The dialect spells it (ClickHouse needs an engine); the name is new to this process.
    await session.exec({ kind: 'create_temp_table', name, query });
    try {
      return await body(session, ident(name));
    } finally {
      await session.exec(sql`DROP TABLE IF EXISTS ${ident(name)}`);
    }
  });
}
