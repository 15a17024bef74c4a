/**
 * Query results as an Apache Arrow IPC stream, built column-wise from DuckDB's vectors without
 * turning rows into JavaScript objects.
 *
 * Type mapping (DuckDB → Arrow): BOOLEAN → Bool; TINYINT/SMALLINT/INTEGER/BIGINT → Int8/16/32/64;
 * UTINYINT/USMALLINT/UINTEGER/UBIGINT → Uint8/16/32/64; HUGEINT/UHUGEINT → Float64; FLOAT →
 * Float32; DOUBLE → Float64; DECIMAL(p,s) → Float64 (the double DuckDB itself casts to, so the
 * numbers agree with the JSON API; exact decimals would need Arrow Decimal, which few readers
 * handle); VARCHAR → Utf8; DATE → DateDay; TIMESTAMP → Timestamp(µs); TIMESTAMP WITH TIME ZONE →
 * Timestamp(µs, 'UTC'); TIMESTAMP_S/_MS/_NS → Timestamp(s/ms/ns); LIST(T) → List(T mapped);
 * anything else → Utf8 holding the value's string form as @duckdb/node-api prints it (the same
 * as DuckDB's `CAST(x AS VARCHAR)` except for STRUCT and MAP, whose strings quote differently).
 */

import { endianness } from 'node:os';
import {
  type DuckDBConnection,
  type DuckDBDecimalType,
  DuckDBListVector,
  type DuckDBResult,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBVector,
  ResultReturnType,
} from '@duckdb/node-api';
import {
  Bool,
  type Data,
  type DataType,
  DateDay,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Timestamp,
  TimeUnit,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';
import { AppError } from '../errors';
import { asEngineError } from './duckdb-errors';

export interface StreamOptions {
  /** Fails with ROW_LIMIT_EXCEEDED as soon as the result turns out to have more rows. */
  maxRows?: number;
  /** Aborting interrupts the query and ends the iteration with the signal's reason. */
  signal?: AbortSignal;
  /** Rows per Arrow record batch [65536]. */
  batchRows?: number;
  /** Told the row count of each piece of the result read. */
  onRows?: (count: number) => void;
}

const DEFAULT_BATCH_ROWS = 65_536;

/**
 * Runs `text` with bound `params` on `connection` and yields an Arrow IPC stream (schema message,
 * record batches, EOS). The first piece is yielded once the first batch is complete (or the result
 * ends), so an error in a result of up to `batchRows` rows arrives before any byte; each later
 * piece is one record batch. Leaving the iteration early interrupts the query.
 */
export function arrowStream(
  connection: DuckDBConnection,
  text: string,
  params: DuckDBValue[] | undefined,
  options: StreamOptions = {},
): AsyncIterable<Uint8Array> {
  const batchRows = Math.max(1, Math.floor(options.batchRows ?? DEFAULT_BATCH_ROWS));
  return {
    [Symbol.asyncIterator]: () =>
      streamResult(connection, text, params, options, {
        open(result) {
          const names = result.columnNames();
          const builders = result.columnTypes().map((t) => builderFor(t));
          const schema = new Schema(names.map((name, i) => new Field(name, builders[i]!.type, true)));
          const writer = new PieceWriter();
          writer.reset(undefined, schema);
          let rows = 0;
          const flush = (): void => {
            if (rows === 0) return;
            const children = builders.map((b) => b.finish());
            const data = makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children });
            writer.write(new RecordBatch(schema, data));
            rows = 0;
          };
          return {
            *push(vectors, count) {
              let offset = 0;
              while (offset < count) {
                const n = Math.min(count - offset, batchRows - rows);
                for (let c = 0; c < builders.length; c++) builders[c]!.append(vectors[c]!, offset, n);
                rows += n;
                offset += n;
                if (rows === batchRows) {
                  flush();
                  yield writer.take();
                }
              }
            },
            end() {
              flush();
              writer.finish();
              return writer.take();
            },
          };
        },
      }),
  };
}

/**
 * The error a stream ends with: once `signal` has aborted, its reason (a timeout's, from
 * `AbortSignal.timeout`, becomes QUERY_TIMEOUT); otherwise the engine error `e` maps to.
 */
export function streamError(e: unknown, signal: AbortSignal | undefined, sql: string): unknown {
  if (!signal?.aborted) return asEngineError(e, { sql });
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return timedOut ? asEngineError(reason, { sql, timedOut }) : reason;
}

/** What a format does with a result's chunks: `push` may yield pieces, `end` returns the last. */
interface ChunkSink {
  push(vectors: readonly DuckDBVector[], rowCount: number): Iterable<Uint8Array>;
  end(): Uint8Array;
}

/**
 * Streams `text` and feeds its chunks to the sink `open` makes. Handles the row limit, the abort
 * signal, errors and releasing the result when the consumer stops early.
 */
async function* streamResult(
  connection: DuckDBConnection,
  text: string,
  params: DuckDBValue[] | undefined,
  options: StreamOptions,
  format: { open(result: DuckDBResult): ChunkSink },
): AsyncGenerator<Uint8Array, void, undefined> {
  const { maxRows, signal } = options;
  if (signal?.aborted) throw streamError(signal.reason, signal, text);
  const onAbort = (): void => connection.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  let result: DuckDBResult | undefined;
  const fail = (e: unknown): unknown => streamError(e, signal, text);
  try {
    try {
      result = await connection.stream(text, params);
    } catch (e) {
      throw fail(e);
    }
    const sink = format.open(result);
    let total = 0;
    for (;;) {
      let chunk: Awaited<ReturnType<DuckDBResult['fetchChunk']>>;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw fail(e);
      }
      if (!chunk || chunk.rowCount === 0) {
        // A streamed result that fails (an error, an interrupt) ends like a complete one; only
        // its return type, INVALID after a failure, tells them apart. The cause is not exposed.
        if (result.returnType === ResultReturnType.INVALID) {
          throw fail(new Error('The query failed while its result was read (DuckDB does not say why)'));
        }
        break;
      }
      const count = chunk.rowCount;
      if (maxRows !== undefined && total + count > maxRows) {
        throw new AppError('ROW_LIMIT_EXCEEDED', `The result has more than ${maxRows} rows`, { maxRows });
      }
      total += count;
      options.onRows?.(count);
      const vectors: DuckDBVector[] = [];
      for (let c = 0; c < chunk.columnCount; c++) vectors.push(chunk.getColumnVector(c));
      for (const piece of sink.push(vectors, count)) {
        yield piece;
        if (signal?.aborted) throw fail(signal.reason);
      }
    }
    finished = true;
    yield sink.end();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stops the query and lets DuckDB wind it up (one fetch after the interrupt ends it and its
    // transaction); the result object itself is freed by its finalizer.
    if (result && !finished) {
      connection.interrupt();
      await result.fetchChunk().catch(() => undefined);
    }
  }
}

/** A RecordBatchStreamWriter whose output is collected synchronously, one piece per batch. */
class PieceWriter extends RecordBatchStreamWriter {
  private parts: Uint8Array[] = [];
  private size = 0;

  protected override _write(chunk: unknown): this {
    if (this._started && ArrayBuffer.isView(chunk) && chunk.byteLength > 0) {
      this.parts.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.size += chunk.byteLength;
      this._position += chunk.byteLength;
    }
    return this;
  }

  /** Everything written since the last `take`, copied into one array. */
  take(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    this.parts = [];
    this.size = 0;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading DuckDB vectors
//
// @duckdb/node-api keeps each vector's values in a typed array or DataView over the chunk's
// memory (`items` / `dataView`) and its validity as 64-bit words (`validity.data`, null when all
// rows are valid). These fields are private in the typings, so `rawOf` checks their shape and
// every builder falls back to the public `getItem` when they are not there.

interface Raw {
  /** The vector's values, `width` bytes each (string_t, 16 bytes, for VARCHAR). */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Validity bits, LSB first (row i is bit i % 8 of byte i / 8); null when every row is valid. */
  readonly validity: Uint8Array | null;
}

const LITTLE_ENDIAN = endianness() === 'LE';

function rawOf(vector: DuckDBVector, width: number): Raw | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  const v = vector as unknown as { items?: unknown; dataView?: unknown; validity?: unknown };
  const store = v.items ?? v.dataView;
  if (!ArrayBuffer.isView(store)) return undefined;
  if (store.byteLength < vector.itemCount * width) return undefined;
  const validity = v.validity as { data?: unknown; offset?: unknown } | undefined;
  if (validity?.offset !== 0) return undefined;
  let bits: Uint8Array | null = null;
  if (validity.data instanceof BigUint64Array) {
    const d = validity.data;
    bits = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  } else if (validity.data !== null) {
    return undefined;
  }
  return {
    bytes: new Uint8Array(store.buffer, store.byteOffset, store.byteLength),
    view: new DataView(store.buffer, store.byteOffset, store.byteLength),
    validity: bits,
  };
}

/** Whether row `index` of `vector` is valid, without materialising its value where possible. */
function validityReader(vector: DuckDBVector): (index: number) => boolean {
  const validity = (vector as unknown as { validity?: { itemValid?: unknown } }).validity;
  if (validity && typeof validity.itemValid === 'function') {
    const itemValid = validity.itemValid as (index: number) => boolean;
    return (index) => itemValid.call(validity, index);
  }
  return (index) => vector.getItem(index) !== null;
}

// ---------------------------------------------------------------------------------------------
// Building Arrow columns

interface Builder {
  readonly type: DataType;
  /** Appends rows [start, start + count) of `vector`. */
  append(vector: DuckDBVector, start: number, count: number): void;
  /**
   * The rows appended since the last `finish`, as Arrow data; the builder starts over. The data
   * may view the builder's buffers, so it is valid until the next `append` (the writer copies
   * each batch out before that).
   */
  finish(): Data;
}

/** A growable bitmap: validity, or the values of a Bool column. */
class Bitmap {
  bytes = new Uint8Array(64);
  length = 0;
  zeros = 0;

  private reserve(count: number): void {
    const need = (this.length + count + 7) >> 3;
    if (need <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(need, this.bytes.length * 2));
    next.set(this.bytes);
    this.bytes = next;
  }

  push(bit: boolean): void {
    this.reserve(1);
    if (bit) this.bytes[this.length >> 3]! |= 1 << (this.length & 7);
    else this.zeros++;
    this.length++;
  }

  /** Appends bits [start, start + count) of `source`; all ones when `source` is null. */
  pushRange(source: Uint8Array | null, start: number, count: number): void {
    this.reserve(count);
    const bytes = this.bytes;
    let at = this.length;
    if (source === null) {
      const end = at + count;
      while (at < end && (at & 7) !== 0) {
        bytes[at >> 3]! |= 1 << (at & 7);
        at++;
      }
      const whole = (end - at) >> 3;
      if (whole > 0) {
        bytes.fill(0xff, at >> 3, (at >> 3) + whole);
        at += whole << 3;
      }
      while (at < end) {
        bytes[at >> 3]! |= 1 << (at & 7);
        at++;
      }
    } else {
      let zeros = 0;
      for (let i = start, end = start + count; i < end; i++, at++) {
        if ((source[i >> 3]! >> (i & 7)) & 1) bytes[at >> 3]! |= 1 << (at & 7);
        else zeros++;
      }
      this.zeros += zeros;
    }
    this.length += count;
  }

  /** The bits so far (a copy) and how many are zero; the bitmap starts over. */
  take(): { bits: Uint8Array; zeros: number } {
    const used = (this.length + 7) >> 3;
    const bits = this.bytes.slice(0, used);
    this.bytes.fill(0, 0, used);
    const zeros = this.zeros;
    this.length = 0;
    this.zeros = 0;
    return { bits, zeros };
  }
}

type NumberArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array;
type BigArray = BigInt64Array | BigUint64Array;

interface TypedArrayCtor<A> {
  new (length: number): A;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * A fixed-width column. `copy` fills `out` from the raw vector (rows [start, start + count) into
 * [at, …)); when null, the raw values have Arrow's layout already and are copied bytewise.
 * `fromValue` converts one non-null value for the fallback path.
 */
class FixedBuilder<A extends NumberArray | BigArray> implements Builder {
  private values: A;
  private length = 0;
  private readonly validity = new Bitmap();

  constructor(
    readonly type: DataType,
    private readonly ArrayType: TypedArrayCtor<A>,
    /** Bytes per DuckDB value. */
    private readonly width: number,
    private readonly copy: ((raw: Raw, start: number, count: number, out: A, at: number) => void) | null,
    private readonly fromValue: (value: DuckDBValue) => number | bigint,
  ) {
    this.values = new ArrayType(1024);
  }

  private reserve(count: number): void {
    if (this.length + count <= this.values.length) return;
    const next = new this.ArrayType(Math.max(this.length + count, this.values.length * 2));
    (next as NumberArray).set(this.values as NumberArray);
    this.values = next;
  }

  append(vector: DuckDBVector, start: number, count: number): void {
    this.reserve(count);
    const raw = rawOf(vector, this.width);
    if (raw) {
      this.validity.pushRange(raw.validity, start, count);
      if (this.copy) this.copy(raw, start, count, this.values, this.length);
      else {
        const size = this.ArrayType.BYTES_PER_ELEMENT;
        const target = new Uint8Array(this.values.buffer, this.values.byteOffset + this.length * size);
        target.set(raw.bytes.subarray(start * size, (start + count) * size));
      }
    } else {
      const out = this.values as unknown as (number | bigint)[];
      for (let i = 0; i < count; i++) {
        const value = vector.getItem(start + i);
        this.validity.push(value !== null);
        if (value !== null) out[this.length + i] = this.fromValue(value);
      }
    }
    this.length += count;
  }

  finish(): Data {
    const { bits, zeros } = this.validity.take();
    const data = makeData({
      type: this.type,
      length: this.length,
      nullCount: zeros,
      nullBitmap: zeros > 0 ? bits : undefined,
      data: this.values.subarray(0, this.length),
    } as Parameters<typeof makeData>[0]) as Data;
    this.length = 0;
    return data;
  }
}

class BoolBuilder implements Builder {
  readonly type = new Bool();
  private readonly values = new Bitmap();
  private readonly validity = new Bitmap();

  append(vector: DuckDBVector, start: number, count: number): void {
    const raw = rawOf(vector, 1);
    if (raw) {
      this.validity.pushRange(raw.validity, start, count);
      const bytes = raw.bytes;
      for (let i = start, end = start + count; i < end; i++) this.values.push(bytes[i] !== 0);
    } else {
      for (let i = 0; i < count; i++) {
        const value = vector.getItem(start + i);
        this.validity.push(value !== null);
        this.values.push(value === true);
      }
    }
  }

  finish(): Data {
    const length = this.values.length;
    const { bits: values } = this.values.take();
    const { bits, zeros } = this.validity.take();
    return makeData({
      type: this.type,
      length,
      nullCount: zeros,
      nullBitmap: zeros > 0 ? bits : undefined,
      data: values,
    });
  }
}

/** Growable UTF-8 bytes with int32 offsets: Utf8 columns. */
class Utf8Builder implements Builder {
  readonly type = new Utf8();
  private bytes = Buffer.allocUnsafe(1 << 16);
  private size = 0;
  private offsets = new Int32Array(1025);
  private length = 0;
  private readonly validity = new Bitmap();

  /** Whether to read VARCHAR's string_t directly; other types go through their string form. */
  constructor(private readonly varchar: boolean) {}

  private reserveRows(count: number): void {
    if (this.length + count + 1 <= this.offsets.length) return;
    const next = new Int32Array(Math.max(this.length + count + 1, this.offsets.length * 2));
    next.set(this.offsets);
    this.offsets = next;
  }

  private reserveBytes(count: number): void {
    if (this.size + count <= this.bytes.length) return;
    const capacity = Math.max(this.size + count, this.bytes.length * 2);
    if (capacity > 0x7fffffff) {
      throw new AppError('UNSUPPORTED_FEATURE', 'A text column exceeds 2 GiB in one record batch', {
        hint: 'use a smaller batchRows',
      });
    }
    const next = Buffer.allocUnsafe(capacity);
    this.bytes.copy(next, 0, 0, this.size);
    this.bytes = next;
  }

  private pushString(s: string, maxBytes: number): void {
    this.reserveBytes(maxBytes);
    this.size += this.bytes.write(s, this.size, 'utf8');
  }

  append(vector: DuckDBVector, start: number, count: number): void {
    this.reserveRows(count);
    const offsets = this.offsets;
    const raw = this.varchar ? rawOf(vector, 16) : undefined;
    if (raw) {
      // string_t: uint32 length, then the bytes inline when they fit in 12, else a 4-byte prefix
      // and a pointer into DuckDB's heap (read through getItem, the only way to it from JS).
      this.validity.pushRange(raw.validity, start, count);
      const { view, bytes: src, validity } = raw;
      for (let i = start, end = start + count; i < end; i++) {
        if (validity === null || (validity[i >> 3]! >> (i & 7)) & 1) {
          const len = view.getUint32(i * 16, true);
          if (len <= 12) {
            this.reserveBytes(len);
            const from = i * 16 + 4;
            const out = this.bytes;
            let at = this.size;
            for (let k = 0; k < len; k++) out[at++] = src[from + k]!;
            this.size = at;
          } else {
            const s = vector.getItem(i) as string;
            this.pushString(s, s.length * 3);
          }
        }
        offsets[++this.length] = this.size;
      }
      return;
    }
    for (let i = start, end = start + count; i < end; i++) {
      const value = vector.getItem(i);
      this.validity.push(value !== null);
      if (value !== null) {
        const s = typeof value === 'string' ? value : String(value);
        this.pushString(s, s.length * 3);
      }
      offsets[++this.length] = this.size;
    }
  }

  finish(): Data {
    const { bits, zeros } = this.validity.take();
    const data = makeData({
      type: this.type,
      length: this.length,
      nullCount: zeros,
      nullBitmap: zeros > 0 ? bits : undefined,
      valueOffsets: this.offsets.subarray(0, this.length + 1),
      data: this.bytes.subarray(0, this.size),
    });
    this.length = 0;
    this.size = 0;
    return data;
  }
}

class ListBuilder implements Builder {
  readonly type: List;
  private offsets = new Int32Array(1025);
  private length = 0;
  private items = 0;
  private readonly validity = new Bitmap();

  constructor(private readonly child: Builder) {
    this.type = new List(new Field('item', child.type, true));
  }

  append(vector: DuckDBVector, start: number, count: number): void {
    if (!(vector instanceof DuckDBListVector)) throw new Error(`expected a LIST vector, got ${vector.type}`);
    if (this.length + count + 1 > this.offsets.length) {
      const next = new Int32Array(Math.max(this.length + count + 1, this.offsets.length * 2));
      next.set(this.offsets);
      this.offsets = next;
    }
    const valid = validityReader(vector);
    const childVector = vector.childVector;
    // Consecutive lists usually sit back to back in the child vector: append them as one run.
    let runStart = 0;
    let runLength = 0;
    for (let i = start, end = start + count; i < end; i++) {
      const isValid = valid(i);
      this.validity.push(isValid);
      if (isValid) {
        const offset = vector.getEntryOffset(i);
        const length = vector.getEntryLength(i);
        if (length > 0) {
          if (runLength > 0 && offset !== runStart + runLength) {
            this.child.append(childVector, runStart, runLength);
            runLength = 0;
          }
          if (runLength === 0) runStart = offset;
          runLength += length;
          this.items += length;
        }
      }
      this.offsets[++this.length] = this.items;
    }
    if (runLength > 0) this.child.append(childVector, runStart, runLength);
  }

  finish(): Data {
    const { bits, zeros } = this.validity.take();
    const data = makeData({
      type: this.type,
      length: this.length,
      nullCount: zeros,
      nullBitmap: zeros > 0 ? bits : undefined,
      valueOffsets: this.offsets.subarray(0, this.length + 1),
      child: this.child.finish(),
    });
    this.length = 0;
    this.items = 0;
    return data;
  }
}

// ---------------------------------------------------------------------------------------------
// Conversions

const TWO_32 = 2 ** 32;

/** The 128-bit integer at `offset` when it fits in 53 bits, else undefined. */
function smallInt128(view: DataView, offset: number): number | undefined {
  const w1 = view.getUint32(offset + 4, true);
  const upper0 = view.getUint32(offset + 8, true);
  const upper1 = view.getUint32(offset + 12, true);
  if (upper0 === 0 && upper1 === 0 && w1 < 0x200000) return w1 * TWO_32 + view.getUint32(offset, true);
  if (upper0 === 0xffffffff && upper1 === 0xffffffff && w1 >= 0xffe00000) {
    return (w1 - TWO_32) * TWO_32 + view.getUint32(offset, true);
  }
  return undefined;
}

function int128(view: DataView, offset: number): bigint {
  return (view.getBigInt64(offset + 8, true) << 64n) | view.getBigUint64(offset, true);
}

/** Powers of ten as DuckDB's table has them (the literal, not `10 ** n`, which may differ). */
const POW10 = Array.from({ length: 40 }, (_, n) => Number(`1e${n}`));

/**
 * A DECIMAL's unscaled integer as the double DuckDB casts it to: exact integers are divided
 * by 10^scale, larger ones split into integer and fraction first.
 */
function decimalToDouble(unscaled: bigint, scale: number): number {
  const abs = unscaled < 0n ? -unscaled : unscaled;
  if (abs <= 9007199254740992n || scale === 0) return Number(unscaled) / POW10[scale]!;
  const power = 10n ** BigInt(scale);
  return Number(unscaled / power) + Number(unscaled % power) / POW10[scale]!;
}

function decimalCopy(width: number, scale: number) {
  const divisor = POW10[scale]!;
  return (raw: Raw, start: number, count: number, out: Float64Array, at: number): void => {
    const view = raw.view;
    for (let i = start, end = start + count; i < end; i++, at++) {
      const o = i * width;
      if (width === 2) out[at] = view.getInt16(o, true) / divisor;
      else if (width === 4) out[at] = view.getInt32(o, true) / divisor;
      else if (width === 8) {
        const hi = view.getInt32(o + 4, true);
        // |value| < 2^53: exact as a double, divided like DuckDB does.
        out[at] =
          hi >= -0x200000 && hi < 0x200000
            ? (hi * TWO_32 + view.getUint32(o, true)) / divisor
            : decimalToDouble(view.getBigInt64(o, true), scale);
      } else {
        const small = smallInt128(view, o);
        out[at] = small !== undefined ? small / divisor : decimalToDouble(int128(view, o), scale);
      }
    }
  };
}

function hugeintCopy(unsigned: boolean) {
  return (raw: Raw, start: number, count: number, out: Float64Array, at: number): void => {
    const view = raw.view;
    for (let i = start, end = start + count; i < end; i++, at++) {
      const o = i * 16;
      const small = unsigned ? undefined : smallInt128(view, o);
      if (small !== undefined) out[at] = small;
      else if (unsigned)
        out[at] = Number((view.getBigUint64(o + 8, true) << 64n) | view.getBigUint64(o, true));
      else out[at] = Number(int128(view, o));
    }
  };
}

const asNumber = (v: DuckDBValue): number => Number(v);
const asBigInt = (v: DuckDBValue): bigint => v as bigint;
const asMicros = (v: DuckDBValue): bigint => (v as { micros: bigint }).micros;
const asDays = (v: DuckDBValue): number => (v as { days: number }).days;
const asDouble = (v: DuckDBValue): number => (v as { toDouble(): number }).toDouble();

function timestampBuilder(
  unit: TimeUnit,
  zone: string | null,
  field: 'micros' | 'millis' | 'seconds' | 'nanos',
) {
  return new FixedBuilder(
    new Timestamp(unit, zone),
    BigInt64Array,
    8,
    null,
    (v) => (v as unknown as Record<string, bigint>)[field]!,
  );
}

/** The builder for a DuckDB column type: see the mapping at the top of this file. */
function builderFor(type: DuckDBType): Builder {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new BoolBuilder();
    case DuckDBTypeId.TINYINT:
      return new FixedBuilder(new Int8(), Int8Array, 1, null, asNumber);
    case DuckDBTypeId.SMALLINT:
      return new FixedBuilder(new Int16(), Int16Array, 2, null, asNumber);
    case DuckDBTypeId.INTEGER:
      return new FixedBuilder(new Int32(), Int32Array, 4, null, asNumber);
    case DuckDBTypeId.BIGINT:
      return new FixedBuilder(new Int64(), BigInt64Array, 8, null, asBigInt);
    case DuckDBTypeId.UTINYINT:
      return new FixedBuilder(new Uint8(), Uint8Array, 1, null, asNumber);
    case DuckDBTypeId.USMALLINT:
      return new FixedBuilder(new Uint16(), Uint16Array, 2, null, asNumber);
    case DuckDBTypeId.UINTEGER:
      return new FixedBuilder(new Uint32(), Uint32Array, 4, null, asNumber);
    case DuckDBTypeId.UBIGINT:
      return new FixedBuilder(new Uint64(), BigUint64Array, 8, null, asBigInt);
    case DuckDBTypeId.HUGEINT:
      return new FixedBuilder(new Float64(), Float64Array, 16, hugeintCopy(false), asNumber);
    case DuckDBTypeId.UHUGEINT:
      return new FixedBuilder(new Float64(), Float64Array, 16, hugeintCopy(true), asNumber);
    case DuckDBTypeId.FLOAT:
      return new FixedBuilder(new Float32(), Float32Array, 4, null, asNumber);
    case DuckDBTypeId.DOUBLE:
      return new FixedBuilder(new Float64(), Float64Array, 8, null, asNumber);
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = type as DuckDBDecimalType;
      const bytes = width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
      return new FixedBuilder(new Float64(), Float64Array, bytes, decimalCopy(bytes, scale), asDouble);
    }
    case DuckDBTypeId.DATE:
      return new FixedBuilder(new DateDay(), Int32Array, 4, null, asDays);
    case DuckDBTypeId.TIMESTAMP:
      return new FixedBuilder(new Timestamp(TimeUnit.MICROSECOND), BigInt64Array, 8, null, asMicros);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new FixedBuilder(new Timestamp(TimeUnit.MICROSECOND, 'UTC'), BigInt64Array, 8, null, asMicros);
    case DuckDBTypeId.TIMESTAMP_S:
      return timestampBuilder(TimeUnit.SECOND, null, 'seconds');
    case DuckDBTypeId.TIMESTAMP_MS:
      return timestampBuilder(TimeUnit.MILLISECOND, null, 'millis');
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestampBuilder(TimeUnit.NANOSECOND, null, 'nanos');
    case DuckDBTypeId.VARCHAR:
      return new Utf8Builder(true);
    case DuckDBTypeId.LIST:
      return new ListBuilder(builderFor(type.valueType));
    default:
      return new Utf8Builder(false);
  }
}
