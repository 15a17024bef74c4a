import type { Session } from '../../engine';
import { raw, type SqlNode, sql } from '../../sql';
import type { SourceDefinition } from '../job/schema';

/**
 * A source ready to be read by the typed stage. The typed stage scans `relation` once, in file
 * order, straight into a temp table; line numbers come from a `__line` column the relation
 * provides, or, for CSV, from `numberedRows` (the typed table's rowid is the record's position:
 * DuckDB preserves insertion order).
 */
export interface RowSource {
  /** A FROM-clause relation with the source columns (and `__line` when `lineColumn`). */
  readonly relation: SqlNode;
  readonly columns: readonly { name: string; type: string }[];
  readonly lineColumn: boolean;
  /** "line" for text files (header = line 1), "row" for parquet. */
  readonly position: 'line' | 'row';
  /**
   * Text sources: a source value longer than this many bytes rejects its row
   * (`field_too_long`, naming the column) instead of landing in the warehouse.
   */
  readonly maxFieldBytes?: number;
  /**
   * Remote sources: the incremental watermark stored after this run may not pass this value
   * (the key's storage type as text); rows past it still load.
   */
  readonly watermarkCap?: string;
  /**
   * After the relation was scanned: fills the temp table `__malformed` (line, raw, message,
   * reason, field; reason NULL = malformed_record) with records that could not be split into
   * columns. Throws when the source turned out to be damaged (a truncated gzip stream).
   */
  collectMalformed(session: Session): Promise<void>;
  /**
   * Sources without a `__line` column: the SELECT over the typed table (`__typed`) that adds
   * `__line`, called after `collectMalformed`.
   */
  numberedRows?(session: Session): Promise<string>;
  /**
   * An error raised while the typed stage read the relation, told in the source's terms (the
   * file and what is wrong with it) when it is about the source; undefined to keep it.
   */
  explainReadError?(error: unknown): Promise<Error | undefined>;
  /** Stops any work still running on the source (a check of the file in the background). */
  close?(): void;
}

/** What a file reader needs besides the job's source definition. */
export interface ReaderContext {
  /** The file, absolute. */
  readonly path: string;
  /** How runs and rejects name the file (relative to the project root). */
  readonly label: string;
  /** The source columns the job maps by name (a hint for sparse formats). */
  readonly mapped: readonly string[];
  /** An error naming the job file's source line, for a source that cannot be read. */
  fail(message: string, cause?: unknown): Error;
}

export interface SourceReader {
  prepare(session: Session, source: SourceDefinition, ctx: ReaderContext): Promise<RowSource>;
}

export const MALFORMED = '__malformed';

/**
 * The longest record (CSV) or line (JSON Lines) the reader takes: a longer one is rejected as
 * `field_too_long` without its fields. DuckDB's default is 2,000,000 bytes, and a record past
 * it used to fail the whole read.
 */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024;
/** The longest source value a text source may hold: a longer one rejects its row (`field_too_long`). */
export const MAX_FIELD_BYTES = 2 * 1024 * 1024;

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

/** The columns of `__malformed`: reason NULL means malformed_record, field NULL names none. */
export const MALFORMED_COLUMNS = 'line BIGINT, raw JSON, message VARCHAR, reason VARCHAR, field VARCHAR';

export async function createEmptyMalformed(session: Session): Promise<void> {
  await session.exec(`CREATE OR REPLACE TEMP TABLE ${MALFORMED} (${MALFORMED_COLUMNS})`);
}

/** Longest text kept of one value of a rejected record's raw copy (`…` marks the cut). */
export const RAW_VALUE_CHARS = 4096;

/** SQL: the text `x` cut to RAW_VALUE_CHARS characters. */
export function cutRaw(x: string): string {
  return `CASE WHEN strlen(${x}) > ${RAW_VALUE_CHARS} THEN left(${x}, ${RAW_VALUE_CHARS}) || '…' ELSE ${x} END`;
}

/** cutRaw over an SQL node. */
export function cutRawNode(x: SqlNode): SqlNode {
  const n = raw(String(RAW_VALUE_CHARS));
  return sql`CASE WHEN strlen(${x}) > ${n} THEN left(${x}, ${n}) || '…' ELSE ${x} END`;
}
