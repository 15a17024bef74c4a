/** Growable Arrow column builders fed from DuckDB vectors, read raw where the client allows. */
import { endianness } from 'node:os';
import { DuckDBListVector, type DuckDBValue, type DuckDBVector } from '@duckdb/node-api';
import { Bool, type Data, type DataType, Field, List, makeData, Utf8 } from 'apache-arrow';
import { AppError } from '../errors';

// ---------------------------------------------------------------------------------------------
// Reading DuckDB vectors
//
// @duckdb/node-api keeps each vector's values in a typed array or DataView over the chunk's
// memory (`items` / `dataView`) and its validity as 64-bit words (`validity.data`, null when all
// rows are valid). These fields are private in the typings, so `rawOf` checks their shape and
// every builder falls back to the public `getItem` when they are not there.

export interface Raw {
  /** The vector's values, `width` bytes each (string_t, 16 bytes, for VARCHAR). */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Validity bits, LSB first (row i is bit i % 8 of byte i / 8); null when every row is valid. */
  readonly validity: Uint8Array | null;
}

export const LITTLE_ENDIAN = endianness() === 'LE';

export function rawOf(vector: DuckDBVector, width: number): Raw | undefined {
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
export function validityReader(vector: DuckDBVector): (index: number) => boolean {
  const validity = (vector as unknown as { validity?: { itemValid?: unknown } }).validity;
  if (validity && typeof validity.itemValid === 'function') {
    const itemValid = validity.itemValid as (index: number) => boolean;
    return (index) => itemValid.call(validity, index);
  }
  return (index) => vector.getItem(index) !== null;
}

// ---------------------------------------------------------------------------------------------
// Building Arrow columns

export interface Builder {
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
export class Bitmap {
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

export type NumberArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array;
export type BigArray = BigInt64Array | BigUint64Array;

export interface TypedArrayCtor<A> {
  new (length: number): A;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * A fixed-width column. `copy` fills `out` from the raw vector (rows [start, start + count) into
 * [at, …)); when null, the raw values have Arrow's layout already and are copied bytewise.
 * `fromValue` converts one non-null value for the fallback path.
 */
export class FixedBuilder<A extends NumberArray | BigArray> implements Builder {
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

export class BoolBuilder implements Builder {
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
export class Utf8Builder implements Builder {
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

export class ListBuilder implements Builder {
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
