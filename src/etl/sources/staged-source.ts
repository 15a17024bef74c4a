import type { Session } from '../../engine';
import type { SqlNode } from '../../sql';
import type { SourceDefinition } from '../job/schema';

/**
 * A source ready to be read by the typed stage. The typed stage scans `relation` once, in file
 * order, straight into a temp table; line numbers come from a `__line` column the relation
 * provides, or, for CSV, from the typed table's rowid (DuckDB preserves insertion order).
 */
export interface RowSource {
  /** A FROM-clause relation with the source columns (and `__line` when `lineColumn`). */
  readonly relation: SqlNode;
  readonly columns: readonly { name: string; type: string }[];
  readonly lineColumn: boolean;
  /** For rowid-numbered sources: the line of the first record (2 after a header). */
  readonly firstLine: number;
  /** "line" for text files (header = line 1), "row" for parquet. */
  readonly position: 'line' | 'row';
  /**
   * Remote sources: the incremental watermark stored after this run may not pass this value
   * (the key's storage type as text); rows past it still load.
   */
  readonly watermarkCap?: string;
  /**
   * After the relation was scanned: fills the temp table `__malformed` (line, raw, message)
   * with records that could not be split into columns.
   */
  collectMalformed(session: Session): Promise<void>;
}

export interface SourceReader {
  /** `mapped`: the source columns the job maps by name (a hint for sparse formats). */
  prepare(
    session: Session,
    source: SourceDefinition,
    path: string,
    mapped: readonly string[],
  ): Promise<RowSource>;
}

export const MALFORMED = '__malformed';

export async function describeRelation(
  session: Session,
  relation: SqlNode,
): Promise<{ name: string; type: string }[]> {
  const r = await session.query({
    kind: 'fragment',
    parts: [{ kind: 'raw', text: 'DESCRIBE SELECT * FROM ' }, relation],
  });
  return r.rows
    .map((row) => ({ name: String(row['column_name']), type: String(row['column_type']) }))
    .filter((c) => c.name !== '__line');
}

export async function createEmptyMalformed(session: Session): Promise<void> {
  await session.exec(`CREATE OR REPLACE TEMP TABLE ${MALFORMED} (line BIGINT, raw JSON, message VARCHAR)`);
}
