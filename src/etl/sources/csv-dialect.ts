import { decodedChunks } from './file-stream';

/** How a CSV file splits into records and fields. `quote` and `escape` may be '' (none). */
export interface CsvDialect {
  readonly delimiter: string;
  readonly quote: string;
  readonly escape: string;
}

export type CsvEncoding = 'utf-8' | 'latin-1' | 'utf-16';

/** The candidates tried, in this order of preference, when a job names no delimiter. */
const DELIMITERS = [',', ';', '\t', '|'] as const;
/** How much of the file's start is read to find the header and the delimiter. */
const HEAD_BYTES = 1 << 20;
const MAX_HEAD_BYTES = 16 << 20;
const SNIFF_RECORDS = 100;
const SNIFF_CHARS = 256 * 1024;

/**
 * The file's bytes with every delimiter, quote and line break as the ASCII byte it is: UTF-8
 * and Latin-1 as stored, UTF-16 transcoded to UTF-8.
 */
export async function* asciiCompatibleChunks(
  path: string,
  label: string,
  encoding: CsvEncoding,
  signal?: AbortSignal,
): AsyncGenerator<Buffer, void, undefined> {
  if (encoding !== 'utf-16') {
    yield* decodedChunks(path, label, signal);
    return;
  }
  const decoder = new TextDecoder('utf-16le', { fatal: false });
  for await (const chunk of decodedChunks(path, label, signal)) {
    yield Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8');
  }
  yield Buffer.from(decoder.decode(), 'utf8');
}

/** Text of ASCII-compatible bytes (see asciiCompatibleChunks), without a byte order mark. */
function decodeText(bytes: Buffer, encoding: CsvEncoding): string {
  const text = encoding === 'latin-1' ? bytes.toString('latin1') : bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

interface Parsed {
  /** Records after the skipped lines; blank lines are left out. */
  readonly records: string[][];
  /** Physical lines before the first record: the skipped ones and blank ones. */
  readonly linesBefore: number;
  /** Whether the text ended inside a record that more input could continue. */
  readonly cut: boolean;
}

/** Skips `skip` physical lines (as DuckDB does: quotes do not matter there). */
function afterSkippedLines(text: string, skip: number): number {
  let at = 0;
  for (let n = 0; n < skip && at < text.length; n++) {
    const lf = text.indexOf('\n', at);
    const cr = text.indexOf('\r', at);
    if (lf < 0 && cr < 0) return text.length;
    if (cr >= 0 && (lf < 0 || cr < lf)) at = text[cr + 1] === '\n' ? cr + 2 : cr + 1;
    else at = lf + 1;
  }
  return at;
}

/**
 * Splits `text` into records of fields with the dialect (RFC 4180: a field that starts with the
 * quote runs to the closing quote, line breaks included; the escape, or a doubled quote, puts a
 * quote inside). Stops after `max` records. Fields are cut out with `indexOf` and `slice`, so a
 * long field costs one scan.
 */
export function parseRecords(text: string, d: CsvDialect, skip: number, max: number, eof: boolean): Parsed {
  const records: string[][] = [];
  const n = text.length;
  const { delimiter: delim, quote: q, escape: e } = d;
  let i = afterSkippedLines(text, skip);
  // The next delimiter, line feed and carriage return at or after i (n when none).
  let nd = -1;
  let nl = -1;
  let nc = -1;
  const next = (what: string, from: number) => {
    const at = text.indexOf(what, from);
    return at < 0 ? n : at;
  };
  let linesBefore = skip;
  while (i < n && records.length < max) {
    // A blank line holds no record.
    if (text[i] === '\n' || text[i] === '\r') {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (records.length === 0) linesBefore++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (q !== '' && text[i] === q) {
        // A quoted field: up to the closing quote.
        i++;
        let closed = false;
        while (i < n) {
          const qi = next(q, i);
          const ei = e !== '' && e !== q ? next(e, i) : n;
          if (ei < qi && ei + 1 < n) {
            field += text.slice(i, ei) + text[ei + 1];
            i = ei + 2;
          } else if (qi < n) {
            field += text.slice(i, qi);
            if (e === q && text[qi + 1] === q) {
              field += q;
              i = qi + 2;
            } else {
              i = qi + 1;
              closed = true;
              break;
            }
          } else break;
        }
        if (!closed) return { records, linesBefore, cut: !eof };
      }
      // Unquoted text (or text after a closing quote, which DuckDB rejects) up to the delimiter
      // or the end of the line.
      if (nd < i) nd = next(delim, i);
      if (nl < i) nl = next('\n', i);
      if (nc < i) nc = next('\r', i);
      const end = Math.min(nd, nl, nc);
      field += text.slice(i, end);
      fields.push(field);
      i = end;
      if (i >= n) {
        if (!eof) return { records, linesBefore, cut: true };
        break;
      }
      if (i === nd) {
        i += delim.length;
        continue;
      }
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      break;
    }
    records.push(fields);
  }
  return { records, linesBefore, cut: false };
}

/**
 * The delimiter that splits the first records most consistently into more than one field (the
 * header's field count, in most records), trying `,`, `;`, tab and `|`; `,` when none does.
 */
export function sniffDelimiter(
  text: string,
  quote: string,
  escapeChar: string,
  skip: number,
  eof: boolean,
): string {
  const sample = text.length > SNIFF_CHARS ? text.slice(0, SNIFF_CHARS) : text;
  const sampleEnds = eof && sample.length === text.length;
  let best: string = DELIMITERS[0];
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    const { records } = parseRecords(
      sample,
      { delimiter, quote, escape: escapeChar },
      skip,
      SNIFF_RECORDS,
      sampleEnds,
    );
    const width = records[0]?.length ?? 0;
    if (width < 2) continue;
    const score = records.filter((r) => r.length === width).length * width;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Column names as DuckDB's sniffer gave them: trimmed; blank → column<i>; a repeat (in any case)
 * → name_<k>.
 */
export function columnNames(header: readonly string[] | undefined, width: number): string[] {
  const names: string[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < width; i++) {
    // A NUL cannot be part of a column name in SQL text.
    const given = header ? (header[i] ?? '').replaceAll('\0', '').trim() : '';
    let name = header && given !== '' ? given : `column${i}`;
    if (taken.has(name.toLowerCase())) {
      let k = 1;
      while (taken.has(`${name}_${k}`.toLowerCase())) k++;
      name = `${name}_${k}`;
    }
    taken.add(name.toLowerCase());
    names.push(name);
  }
  return names;
}

export interface CsvHead {
  readonly delimiter: string;
  /** The columns: the header's names, or column0… without a header. */
  readonly columns: readonly string[];
  /** No record at all after the skipped lines (an empty file, or only blank lines). */
  readonly empty: boolean;
  /**
   * Physical lines before the first record (the job's `skip`, then blank lines): DuckDB's
   * reader takes the first line after `skip` as the header even when it is blank.
   */
  readonly linesBefore: number;
}

/**
 * Reads the start of the file (1 MiB, more if the header needs it) to find the delimiter when
 * the job names none, and the header's column names (or, without a header, how many columns
 * the first record has).
 */
export async function readHead(
  path: string,
  label: string,
  encoding: CsvEncoding,
  options: { delimiter?: string; quote: string; escape: string; header: boolean; skip: number },
  tooLong: () => Error,
): Promise<CsvHead> {
  const parts: Buffer[] = [];
  let size = 0;
  let eof = true;
  const controller = new AbortController();
  const chunks = asciiCompatibleChunks(path, label, encoding, controller.signal);
  let text = '';
  let limit = HEAD_BYTES;
  try {
    for await (const chunk of chunks) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        text = decodeText(Buffer.concat(parts), encoding);
        const delimiter =
          options.delimiter ?? sniffDelimiter(text, options.quote, options.escape, options.skip, false);
        const first = parseRecords(text, { ...options, delimiter }, options.skip, 1, false);
        if (first.records.length > 0) {
          eof = false;
          break;
        }
        if (size >= MAX_HEAD_BYTES) throw tooLong();
        limit = size * 2;
      }
    }
  } finally {
    controller.abort();
    await chunks.return(undefined).catch(() => undefined);
  }
  if (eof) text = decodeText(Buffer.concat(parts), encoding);
  const delimiter =
    options.delimiter ?? sniffDelimiter(text, options.quote, options.escape, options.skip, eof);
  const parsed = parseRecords(text, { ...options, delimiter }, options.skip, 1, eof);
  const first = parsed.records[0];
  if (!first) return { delimiter, columns: [], empty: true, linesBefore: parsed.linesBefore };
  return {
    delimiter,
    columns: columnNames(options.header ? first : undefined, first.length),
    empty: false,
    linesBefore: parsed.linesBefore,
  };
}
