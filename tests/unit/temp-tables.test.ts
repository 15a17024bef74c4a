import { describe, expect, it } from 'vitest';
import type { Engine, Session } from '../../src/engine';
import { withStoredCtes } from '../../src/reports/common/stored-ctes';
import { withTempTable } from '../../src/reports/common/temp';
import { render, type SqlNode, sql } from '../../src/sql';
import { clickhouseDialect } from '../../src/sql/dialects/clickhouse';

/**
 * Temp tables of reports on an engine whose DROP fails (a ClickHouse session that timed out may
 * refuse it): the report's own error reaches the caller, and every table is still tried.
 */
function failingDrops(): { engine: Engine; statements: string[] } {
  const statements: string[] = [];
  const session: Session = {
    dialect: clickhouseDialect,
    query: async () => ({ columns: [], rows: [] }),
    exec: async (statement) => {
      const text =
        typeof statement === 'object' && statement !== null && 'kind' in statement
          ? statement.kind === 'create_temp_table'
            ? `CREATE ${statement.name}`
            : render(statement as SqlNode, clickhouseDialect).text
          : String(statement);
      statements.push(text);
      if (text.startsWith('DROP')) throw new Error('session locked');
    },
  };
  const engine = {
    dialect: clickhouseDialect,
    withSession: (fn: (s: Session) => Promise<unknown>) => fn(session),
  };
  return { engine: engine as unknown as Engine, statements };
}

describe('temp tables of a report', () => {
  it('withTempTable: the body’s error wins over a failing DROP', async () => {
    const { engine, statements } = failingDrops();
    await expect(
      withTempTable(engine, sql`SELECT 1`, async () => {
        throw new Error('the report failed');
      }),
    ).rejects.toThrow('the report failed');
    expect(statements.filter((s) => s.startsWith('DROP'))).toHaveLength(1);
  });

  it('withStoredCtes: every stored table is dropped (each tried), and the answer stands', async () => {
    const { engine, statements } = failingDrops();
    const answer = await withStoredCtes(
      engine,
      [
        ['a', sql`SELECT 1 AS x`],
        ['b', sql`SELECT x FROM a`],
      ],
      async () => 42,
    );
    expect(answer).toBe(42);
    expect(statements.filter((s) => s.startsWith('CREATE'))).toHaveLength(2);
    expect(statements.filter((s) => s.startsWith('DROP'))).toHaveLength(2);
  });
});
