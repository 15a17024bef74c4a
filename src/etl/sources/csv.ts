import type { Session } from '../../engine';
import { list, raw, type SqlNode, sql } from '../../sql';
import type { CsvOptions, SourceDefinition } from '../job/schema';
import { asciiCompatibleChunks, type CsvDialect, type CsvEncoding, readHead } from './csv-dialect';
import { type CsvLayout, scanCsvLayout } from './csv-layout';
import { mentions, SourceDamage } from './file-stream';
import {
  createEmptyMalformed,
  cutRaw,
  MALFORMED,
  MAX_FIELD_BYTES,
  MAX_RECORD_BYTES,
  type ReaderContext,
  type RowSource,
  type SourceReader,
} from './staged-source';

const ENCODINGS: Record<string, CsvEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16': 'utf-16',
  'latin-1': 'latin-1',
  latin1: 'latin-1',
};

/** A SQL string literal of text from the file (a header name). */
function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * CSV (and .csv.gz) through DuckDB's reader with a fixed dialect, never its sniffer (which
 * guessed "no quoting" when its sample had no quote, splitting a quoted line break into two
 * broken records, and failed the whole read on a long line): the delimiter is the job's or,
 * failing that, found from the first records; quoting is RFC 4180 (`"`, doubled inside) unless
 * the job says otherwise; the columns are the header's. Every column is text, so that a bad
 * value cannot fail the read: casting happens in the typed stage, row by row. Records DuckDB
 * cannot split (wrong number of fields, an unclosed quote, bad encoding, longer than
 * MAX_RECORD_BYTES) land in its rejects table and from there in `__malformed`.
 *
 * Alongside DuckDB's read, the file is scanned once more in Node (csv-layout.ts), decompressing
 * a .gz file and so checking it whole: a truncated or damaged gzip stream fails the run. The
 * same scan finds the physical line each record starts on, so reject lines are exact across
 * quoted line breaks and blank lines.
 */
export const csvReader: SourceReader = {
  async prepare(session: Session, source: SourceDefinition, ctx: ReaderContext): Promise<RowSource> {
    const { path, label } = ctx;
    const o: CsvOptions = source.type === 'csv' ? (source.options ?? {}) : {};
    const header = o.header ?? true;
    const skipOption = o.skip ?? 0;
    const quote = o.quote ?? '"';
    const escapeChar = o.escape ?? quote;
    const encoding = ENCODINGS[o.encoding ?? 'utf-8'] ?? 'utf-8';
    const head = await readHead(
      path,
      label,
      encoding,
      { delimiter: o.delimiter, quote, escape: escapeChar, header, skip: skipOption },
      () => ctx.fail(`${label}: the header is longer than 16 MiB, or the file has no line breaks`),
    );
    if (head.empty) {
      throw ctx.fail(
        header ? `${label} is empty: it has no header line` : `${label} is empty: it has no records`,
      );
    }
    const dialect: CsvDialect = { delimiter: head.delimiter, quote, escape: escapeChar };
    // Blank lines before the header are skipped like the job's `skip` lines.
    const skip = header ? head.linesBefore : skipOption;
    const columns = head.columns;
    const width = columns.length;

    const controller = new AbortController();
    const scanned = scanCsvLayout(asciiCompatibleChunks(path, label, encoding, controller.signal), dialect, {
      skip,
      header,
      width,
    });
    scanned.catch(() => undefined);
    const layout = async (): Promise<CsvLayout> => {
      try {
        return await scanned;
      } catch (e) {
        if (e instanceof SourceDamage) throw ctx.fail(e.message, e);
        throw e;
      }
    };

    const struct = `{${columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ')}}`;
    const args: SqlNode[] = [
      sql`auto_detect = false`,
      sql`header = ${header}`,
      sql`delim = ${dialect.delimiter}`,
      sql`quote = ${quote}`,
      sql`escape = ${escapeChar}`,
      sql`columns = ${raw(struct)}`,
      sql`max_line_size = ${MAX_RECORD_BYTES}`,
      sql`store_rejects = true`,
      sql`rejects_table = '__csv_rejects'`,
      sql`rejects_scan = '__csv_scans'`,
    ];
    if (skip > 0) args.push(sql`skip = ${skip}`);
    if (encoding !== 'utf-8') args.push(sql`encoding = ${encoding}`);
    if (o.null_values !== undefined) args.push(sql`nullstr = ${o.null_values}`);
    await session.exec('DROP TABLE IF EXISTS __csv_rejects');
    await session.exec('DROP TABLE IF EXISTS __csv_scans');
    const relation = sql`read_csv(${path}, ${list(args)})`;
    const firstLine = skip + (header ? 2 : 1);
    /** Set by collectMalformed: whether any record was rejected, and the layout points used. */
    let rejectedRecords = 0;
    let points = 1;

    return {
      relation,
      columns: columns.map((name) => ({ name, type: 'VARCHAR' })),
      lineColumn: false,
      position: 'line',
      maxFieldBytes: MAX_FIELD_BYTES,

      async collectMalformed(s: Session) {
        const found = await layout();
        await createEmptyMalformed(s);
        // DuckDB's rejects: one row per problem, several per record (one per missing column).
        await s.exec(`
          CREATE OR REPLACE TEMP TABLE __csv_bad_lines AS
          SELECT line AS dline,
                 CASE WHEN bool_or(error_type = 'LINE SIZE OVER MAXIMUM') THEN 'long'
                      WHEN bool_or(error_type = 'INVALID ENCODING') THEN 'encoding'
                      WHEN bool_or(error_type = 'UNQUOTED VALUE') THEN 'quote'
                      WHEN bool_or(error_type = 'MISSING COLUMNS') THEN 'few'
                      WHEN bool_or(error_type = 'TOO MANY COLUMNS') THEN 'many'
                      ELSE 'other' END AS kind,
                 any_value(column_name) FILTER (WHERE error_type = 'UNQUOTED VALUE') AS field,
                 min(TRY_CAST(regexp_extract(error_message, 'Found: (\\d+)', 1) AS BIGINT))
                   FILTER (WHERE error_type = 'MISSING COLUMNS') AS few,
                 max(TRY_CAST(regexp_extract(error_message, 'Found: (\\d+)', 1) AS BIGINT))
                   FILTER (WHERE error_type = 'TOO MANY COLUMNS') AS many,
                 ltrim(any_value(csv_line), chr(13) || chr(10)) AS text
          FROM __csv_rejects GROUP BY line`);
        const counts = await s.query(
          'SELECT (SELECT count(*) FROM __csv_bad_lines) AS bad, (SELECT count(*) FROM __typed) AS good',
        );
        rejectedRecords = Number(counts.rows[0]?.['bad'] ?? 0);
        const good = Number(counts.rows[0]?.['good'] ?? 0);
        // The scan and DuckDB must agree on the records; if a file broken in a way the two read
        // differently makes them disagree, lines fall back to DuckDB's count (exact unless a
        // quoted field spans lines or a blank line comes before).
        const agreed = found.records === good + rejectedRecords;
        const p = agreed ? found.points : { rec: [0], line: [firstLine], dline: [firstLine] };
        points = p.rec.length;
        await s.exec('CREATE OR REPLACE TEMP TABLE __csv_points (rec BIGINT, line BIGINT, dline BIGINT)');
        await appendPoints(s, p);
        if (rejectedRecords === 0) return;
        const unterminated = agreed ? found.unterminated : undefined;
        const lastLine = found.lines;
        const kinds = `CASE b.kind
          WHEN 'long' THEN 'the record is longer than ${fmt(MAX_RECORD_BYTES)} bytes, the most a record may hold'
          WHEN 'encoding' THEN 'the record is not valid ${encoding} text (see the source''s encoding option)'
          WHEN 'quote' THEN ${
            unterminated
              ? `CASE WHEN rec = ${unterminated.rec} THEN 'a quoted field' || coalesce(' (' || b.field || ')', '') ||
                   ' is never closed: the record runs from here to the end of the file (line ${lastLine})' ELSE `
              : ''
          }coalesce(b.field, 'a quoted field') || ' has text after its closing quote'${unterminated ? ' END' : ''}
          WHEN 'few' THEN 'the record has ' || coalesce(CAST(b.few AS VARCHAR), 'fewer') || ' fields where the ${header ? 'header' : 'first record'} has ${width}'
          WHEN 'many' THEN 'the record has ' || coalesce(CAST(b.many AS VARCHAR), 'more') || ' fields where the ${header ? 'header' : 'first record'} has ${width}'
          ELSE 'the record cannot be split into fields' END`;
        await s.exec(`
          CREATE OR REPLACE TEMP TABLE __csv_bad AS
          SELECT p.rec + (b.dline - p.dline) AS rec, p.line + (b.dline - p.dline) AS line, b.*
          FROM __csv_bad_lines b ASOF JOIN __csv_points p ON b.dline >= p.dline`);
        await s.exec(`
          INSERT INTO ${MALFORMED}
          SELECT b.line, to_json({'_line': ${cutRaw('b.text')}}), ${kinds},
                 CASE WHEN b.kind = 'long' THEN 'field_too_long' END, b.field
          FROM __csv_bad b`);
      },

      async numberedRows(s: Session) {
        // A typed row's record number: its rowid, plus the rejected records before it.
        let rows = 'SELECT rowid AS __rec, * FROM __typed';
        if (rejectedRecords > 0) {
          // Rejected records in a row share their first_row: the last of them gives the shift.
          await s.exec(`
            CREATE OR REPLACE TEMP TABLE __line_shift AS
            SELECT first_row, max(shift) AS shift
            FROM (SELECT rec - (row_number() OVER (ORDER BY rec) - 1) AS first_row, row_number() OVER (ORDER BY rec) AS shift
                  FROM __csv_bad)
            GROUP BY first_row`);
          rows = `SELECT t.rowid + coalesce(m.shift, 0) AS __rec, t.*
                  FROM __typed t ASOF LEFT JOIN __line_shift m ON t.rowid >= m.first_row`;
        }
        if (points === 1) {
          const p = await s.query('SELECT line - rec AS d FROM __csv_points');
          const d = Number(p.rows[0]?.['d'] ?? firstLine);
          return rejectedRecords === 0
            ? `SELECT rowid + ${d} AS __line, * FROM __typed`
            : `SELECT __rec + ${d} AS __line, * EXCLUDE (__rec) FROM (${rows})`;
        }
        return `SELECT p.line + (r.__rec - p.rec) AS __line, r.* EXCLUDE (__rec)
                FROM (${rows}) r ASOF JOIN __csv_points p ON r.__rec >= p.rec`;
      },

      async explainReadError(e: unknown) {
        // A damaged gzip stream explains a failed read better than the engine does.
        await layout();
        return mentions(e, path) ? ctx.fail(`cannot read ${label} as CSV`, e) : undefined;
      },

      close() {
        controller.abort();
      },
    };
  },
};

/** Writes the layout's points into `__csv_points`, in bulk where the engine can. */
async function appendPoints(
  s: Session,
  p: { readonly rec: number[]; readonly line: number[]; readonly dline: number[] },
): Promise<void> {
  const per = 20_000;
  for (let i = 0; i < p.rec.length; i += per) {
    const end = Math.min(p.rec.length, i + per);
    if (s.appendRows) {
      const rows = [];
      for (let k = i; k < end; k++) rows.push([BigInt(p.rec[k]!), BigInt(p.line[k]!), BigInt(p.dline[k]!)]);
      await s.appendRows('__csv_points', rows);
    } else {
      const values = [];
      for (let k = i; k < end; k++) values.push(`(${p.rec[k]}, ${p.line[k]}, ${p.dline[k]})`);
      await s.exec(`INSERT INTO __csv_points VALUES ${values.join(', ')}`);
    }
  }
}
