import type { CsvDialect } from './csv-dialect';

/**
 * Where the records of a CSV file start. Record `rec[i]` (0-based, data records only, malformed
 * ones included) starts on physical line `line[i]` (1-based, the header is line 1), which
 * DuckDB's reader counts as line `dline[i]` (it does not count line breaks inside quoted fields).
 * Records between two points take one line each; a point is kept only where that breaks (after
 * a record spanning lines, or blank lines), so a plain file has one point.
 */
export interface CsvLayout {
  readonly records: number;
  readonly points: { readonly rec: number[]; readonly line: number[]; readonly dline: number[] };
  /** Physical lines in the file (a last line without a line break counts). */
  readonly lines: number;
  /** The record whose quoted field is never closed: it runs to the end of the file. */
  readonly unterminated?: { readonly rec: number; readonly line: number };
}

const LF = 10;
const CR = 13;

// Scanner states.
const SKIP = 0; // skipping the job's `skip` lines
const REC = 1; // at the start of a record (or of a blank line)
const FIELD = 2; // at the start of a field
const UNQUOTED = 3;
const QUOTED = 4;
const QUOTE_SEEN = 5; // a quote inside a quoted field: its end, or the first of a doubled quote
const ESCAPED = 6; // the escape inside a quoted field (when it is not the quote)
const BAD = 7; // text after a closing quote: DuckDB rejects the record, which ends at the line break

/**
 * Scans the file's bytes once (as an ASCII-compatible stream) and finds where each record
 * starts, following the same rules as DuckDB's reader: `skip` physical lines, then the header
 * record when there is one; a line break ends a record unless it is inside a quoted field; a
 * blank line is no record (except in a one-column file, where it is an empty value); a quote
 * opens a quoted field only at the start of a field. Lines without a quote take a fast path
 * (two `indexOf` per line), so a plain file costs about one memory scan.
 */
export async function scanCsvLayout(
  chunks: AsyncIterable<Buffer>,
  dialect: CsvDialect,
  options: { skip: number; header: boolean; width: number },
): Promise<CsvLayout> {
  const q = dialect.quote === '' ? -1 : dialect.quote.charCodeAt(0);
  const e = dialect.escape === '' ? -1 : dialect.escape.charCodeAt(0);
  const delim = Buffer.from(dialect.delimiter, 'utf8');
  const d0 = delim[0]!;
  const dlen = delim.length;
  const blankIsRecord = options.width === 1;
  const pointRec: number[] = [];
  const pointLine: number[] = [];
  const pointDline: number[] = [];

  let state = options.skip > 0 ? SKIP : REC;
  let skipLeft = options.skip;
  let headerPending = options.header;
  let line = 1;
  let dline = 1;
  let crPending = false;
  let dm = 0; // delimiter bytes matched so far
  let rec = 0;
  let recLine = 0;
  let expLine = -1;
  let expDline = -1;
  let lastByte = -1;
  let first = true;

  const startRecord = () => {
    if (line !== expLine || dline !== expDline) {
      pointRec.push(rec);
      pointLine.push(line);
      pointDline.push(dline);
    }
    recLine = line;
    rec++;
    expLine = line + 1;
    expDline = dline + 1;
  };

  for await (const chunk of chunks) {
    let buf = chunk;
    if (buf.length === 0) continue;
    if (first) {
      first = false;
      // A UTF-8 byte order mark is not part of the first line.
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const n = buf.length;
    if (n > 0) lastByte = buf[n - 1]!;
    let p = 0;
    let nextLf = -1;
    let nextCr = -1;
    let nextQ = -1;
    while (p < n) {
      // Fast path: whole lines without a quote or a lone carriage return, at a record's start.
      if (state === REC && !headerPending) {
        if (crPending) {
          if (buf[p] === LF) p++;
          crPending = false;
          continue;
        }
        if (nextLf < p) {
          nextLf = buf.indexOf(LF, p);
          if (nextLf < 0) nextLf = n;
        }
        if (nextLf < n) {
          if (nextQ < p) {
            nextQ = q < 0 ? n : buf.indexOf(q, p);
            if (nextQ < 0) nextQ = n;
          }
          if (nextCr < p) {
            nextCr = buf.indexOf(CR, p);
            if (nextCr < 0) nextCr = n;
          }
          if (nextQ > nextLf && nextCr >= nextLf - 1) {
            const empty = nextLf === p || (nextCr === p && nextLf === p + 1);
            if (!empty || blankIsRecord) startRecord();
            line++;
            dline++;
            p = nextLf + 1;
            continue;
          }
        }
      }
      // Slow path: one byte at a time until the record ends.
      const c = buf[p++]!;
      let term = false;
      if (c === LF) {
        if (crPending) {
          crPending = false;
          continue;
        }
        line++;
        term = true;
      } else if (c === CR) {
        line++;
        crPending = true;
        term = true;
      } else {
        crPending = false;
      }
      switch (state) {
        case SKIP:
          if (term) {
            dline++;
            if (--skipLeft === 0) state = REC;
          }
          break;
        case REC:
          if (term) {
            if (blankIsRecord && !headerPending) startRecord();
            dline++;
            break;
          }
          if (headerPending) headerPending = false;
          else startRecord();
          dm = 0;
          if (c === q) state = QUOTED;
          else if (c === d0 && dlen === 1) state = FIELD;
          else {
            dm = c === d0 ? 1 : 0;
            state = UNQUOTED;
          }
          break;
        case FIELD:
        case UNQUOTED:
          if (term) {
            dline++;
            state = REC;
          } else if (state === FIELD && c === q) {
            state = QUOTED;
          } else if (c === delim[dm]) {
            if (++dm === dlen) {
              dm = 0;
              state = FIELD;
            } else state = UNQUOTED;
          } else {
            dm = c === d0 ? 1 : 0;
            state = UNQUOTED;
          }
          break;
        case QUOTED:
          if (c === e && e !== q) state = ESCAPED;
          else if (c === q) state = QUOTE_SEEN;
          break;
        case ESCAPED:
          state = QUOTED;
          break;
        case QUOTE_SEEN:
          if (c === q && e === q) {
            state = QUOTED;
          } else if (term) {
            dline++;
            state = REC;
          } else if (c === delim[dm]) {
            if (++dm === dlen) {
              dm = 0;
              state = FIELD;
            }
          } else {
            dm = 0;
            state = BAD;
          }
          break;
        case BAD:
          if (term) {
            dline++;
            state = REC;
          }
          break;
      }
    }
  }
  const unterminated = state === QUOTED || state === ESCAPED ? { rec: rec - 1, line: recLine } : undefined;
  // A last line without a line break is still a line.
  return {
    records: rec,
    points: { rec: pointRec, line: pointLine, dline: pointDline },
    lines: lastByte === LF || lastByte === CR || lastByte === -1 ? line - 1 : line,
    ...(unterminated ? { unterminated } : {}),
  };
}
