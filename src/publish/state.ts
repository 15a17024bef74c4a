import type { Engine, Session } from '../engine';
import { ident, raw, type SqlNode, sql } from '../sql';

/** What the last publish of one table into one target left there (a row of `publish_state`). */
export interface PublishedState {
  readonly table: string;
  readonly runId: number;
  readonly rows: number;
  readonly fingerprint: string;
  readonly columns: string;
}

export interface StateUpdate extends PublishedState {
  readonly mode: 'whole' | 'increment' | 'unchanged';
  readonly copied: number;
}

export async function readState(engine: Engine, target: string): Promise<Map<string, PublishedState>> {
  const r = await engine.query(sql`
    SELECT table_name, run_id, rows, fingerprint, columns FROM publish_state WHERE target = ${target}`);
  return new Map(
    r.rows.map((row) => {
      const s: PublishedState = {
        table: String(row['table_name']),
        runId: Number(row['run_id']),
        rows: Number(row['rows']),
        fingerprint: String(row['fingerprint']),
        columns: String(row['columns']),
      };
      return [s.table, s];
    }),
  );
}

export async function writeState(engine: Engine, target: string, s: StateUpdate, now: string): Promise<void> {
  await engine.transaction(async (tx) => {
    await tx.exec(sql`DELETE FROM publish_state WHERE target = ${target} AND table_name = ${s.table}`);
    await tx.exec(sql`
      INSERT INTO publish_state (target, table_name, run_id, rows, fingerprint, columns, last_mode, last_copied,
                                 published_at)
      VALUES (${target}, ${s.table}, ${s.runId}, ${s.rows}, ${s.fingerprint}, ${s.columns}, ${s.mode}, ${s.copied},
              CAST(${now} AS TIMESTAMP))`);
  });
}

/** The warehouse's count and column sums that the publish reconciled the table against. */
export async function recordTotals(
  engine: Engine,
  target: string,
  table: string,
  totals: unknown,
): Promise<void> {
  await engine.exec(sql`
    UPDATE publish_state SET sums = CAST(${JSON.stringify(totals)} AS JSON)
    WHERE target = ${target} AND table_name = ${table}`);
}

/**
 * The count and fingerprint (the sum of DuckDB's hash of each whole row) of the rows of `table`
 * that pass `where`: equal fingerprints mean, but for a hash collision, equal rows.
 */
export async function fingerprint(
  session: Session,
  table: string,
  where: SqlNode | undefined,
): Promise<{ rows: number; fingerprint: string }> {
  const r = await session.query(sql`
    SELECT count(*) AS n, CAST(coalesce(sum(hash(__row)), 0) AS VARCHAR) AS fp
    FROM ${ident(table)} AS __row${where ? sql` WHERE ${where}` : raw('')}`);
  const row = r.rows[0] ?? {};
  return { rows: Number(row['n'] ?? 0), fingerprint: String(row['fp'] ?? '0') };
}
