import type { AppendValue, Session } from '../../engine';
import { ident, list, raw, type SqlNode, sql } from '../../sql';
import { MALFORMED, MALFORMED_COLUMNS } from './staged-source';

/** Text staging table: `__line` plus one VARCHAR per source column, appended batch by batch. */
export const STAGE_TEXT = '__src_text';
/** The typed staging table the typed stage reads (`__line` + source columns). */
export const STAGE = '__src';

export interface StagedColumn {
  readonly name: string;
  /** The DuckDB type the column is cast to once the extract is complete. */
  readonly type: string;
}

/**
 * Receives an extract batch by batch and appends each to a DuckDB temp table, so that the
 * process holds one batch at a time. Values arrive as the source system's text (exact for
 * numerics and timestamps); `finish` casts the whole table once to the columns' types.
 * A row's `__line` is its 1-based ordinal in the extract: what rejects report as its position.
 */
export class BatchStager {
  private columns: readonly StagedColumn[] | undefined;
  private rowCount = 0;

  constructor(private readonly session: Session) {}

  get rows(): number {
    return this.rowCount;
  }

  async begin(columns: readonly StagedColumn[]): Promise<void> {
    const seen = new Set<string>();
    for (const c of columns) {
      const key = c.name.toLowerCase();
      if (seen.has(key) || key === '__line') {
        throw new Error(`the extract has two columns named "${c.name}" (names are case-insensitive here)`);
      }
      seen.add(key);
    }
    this.columns = columns;
    const defs = columns.map((_, i) => sql`${ident(`c${i}`)} VARCHAR`);
    await this.session.exec(
      sql`CREATE OR REPLACE TEMP TABLE ${raw(STAGE_TEXT)} (__line BIGINT${raw(defs.length ? ', ' : '')}${list(defs)})`,
    );
  }

  async append(batch: readonly (readonly (string | null)[])[]): Promise<void> {
    if (!this.columns) throw new Error('append before begin');
    if (batch.length === 0) return;
    const start = this.rowCount;
    const rows: AppendValue[][] = batch.map((r, i) => [BigInt(start + i + 1), ...r]);
    if (this.session.appendRows) await this.session.appendRows(STAGE_TEXT, rows);
    else await this.insertBound(rows);
    this.rowCount += batch.length;
  }

  /** Without a bulk path: multi-row INSERTs with bound values, a few hundred rows each. */
  private async insertBound(rows: readonly AppendValue[][]): Promise<void> {
    const width = (this.columns?.length ?? 0) + 1;
    const per = Math.max(1, Math.floor(2000 / width));
    for (let i = 0; i < rows.length; i += per) {
      const tuples = rows
        .slice(i, i + per)
        .map((r) => sql`(${list(r.map((v) => sql`${typeof v === 'bigint' ? Number(v) : v}`))})`);
      await this.session.exec(sql`INSERT INTO ${raw(STAGE_TEXT)} VALUES ${list(tuples)}`);
    }
  }

  /**
   * Casts the text table into `__src`. A row holding a value its column's type cannot take (a
   * MariaDB zero date, a PostgreSQL BC timestamp, an out-of-range number) is not cast: it goes
   * to `__malformed` with its text values and the first such column, and is rejected like an
   * unreadable file record while the other rows load.
   */
  async finish(): Promise<StagedColumn[]> {
    const columns = this.columns ?? [];
    const text = (i: number) => ident(`c${i}`);
    const typed = (c: StagedColumn, i: number) => sql`TRY_CAST(${text(i)} AS ${raw(c.type)})`;
    const castable = columns.filter((c) => c.type !== 'VARCHAR');
    const failures = columns
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.type !== 'VARCHAR')
      .map(
        ({ c, i }) =>
          sql`WHEN ${text(i)} IS NOT NULL AND ${typed(c, i)} IS NULL THEN ${`column "${c.name}": `} || to_json(${text(i)})::VARCHAR || ${` is not a valid ${c.type}`}`,
      );
    const failure = failures.length ? sql`CASE ${list(failures, ' ')} END` : sql`NULL::VARCHAR`;
    const select: SqlNode[] = [
      sql`__line`,
      ...columns.map((c, i) =>
        c.type === 'VARCHAR' ? sql`${text(i)} AS ${ident(c.name)}` : sql`${typed(c, i)} AS ${ident(c.name)}`,
      ),
    ];
    await this.session.exec(`CREATE OR REPLACE TEMP TABLE ${MALFORMED} (${MALFORMED_COLUMNS})`);
    if (castable.length > 0) {
      await this.session.exec(sql`
        CREATE OR REPLACE TEMP TABLE __src_failures AS
        SELECT __line, ${failure} AS message FROM ${raw(STAGE_TEXT)} WHERE ${failure} IS NOT NULL`);
      const record = columns.length
        ? sql`json_object(${list(columns.map((c, i) => sql`${c.name}, ${text(i)}`))})`
        : sql`'{}'::JSON`;
      await this.session.exec(sql`
        INSERT INTO ${raw(MALFORMED)} (line, raw, message)
        SELECT t.__line, ${record}, f.message
        FROM ${raw(STAGE_TEXT)} t JOIN __src_failures f USING (__line)`);
    }
    const bad = castable.length > 0 ? sql` WHERE __line NOT IN (SELECT __line FROM __src_failures)` : sql``;
    await this.session.exec(
      sql`CREATE OR REPLACE TEMP TABLE ${raw(STAGE)} AS SELECT ${list(select)} FROM ${raw(STAGE_TEXT)}${bad}`,
    );
    await this.session.exec('DROP TABLE IF EXISTS __src_failures');
    await this.session.exec(`DROP TABLE IF EXISTS ${STAGE_TEXT}`);
    return [...columns];
  }
}
