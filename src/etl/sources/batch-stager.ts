import type { AppendValue, Session } from '../../engine';
import { ident, list, raw, type SqlNode, sql } from '../../sql';
import { MALFORMED } from './staged-source';

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

  /** Casts the text table into `__src`; a value its column's type cannot hold fails the job. */
  async finish(): Promise<StagedColumn[]> {
    const columns = this.columns ?? [];
    const select: SqlNode[] = [
      sql`__line`,
      ...columns.map((c, i) =>
        c.type === 'VARCHAR'
          ? sql`${ident(`c${i}`)} AS ${ident(c.name)}`
          : sql`CAST(${ident(`c${i}`)} AS ${raw(c.type)}) AS ${ident(c.name)}`,
      ),
    ];
    try {
      await this.session.exec(
        sql`CREATE OR REPLACE TEMP TABLE ${raw(STAGE)} AS SELECT ${list(select)} FROM ${raw(STAGE_TEXT)}`,
      );
    } catch (e) {
      throw new Error(`a source value does not convert to its column's type: ${(e as Error).message}`);
    }
    await this.session.exec(`DROP TABLE IF EXISTS ${STAGE_TEXT}`);
    await this.session.exec(
      `CREATE OR REPLACE TEMP TABLE ${MALFORMED} (line BIGINT, raw JSON, message VARCHAR)`,
    );
    return [...columns];
  }
}
