import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';
import { type Data, DataType, type Table, tableFromIPC, Vector } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrowStream } from '../../src/engine/arrow-stream';
import { AppError } from '../../src/errors';
import { collect, createAllTypes } from './fixture';

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await createAllTypes(connection);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function table(text: string, params?: DuckDBValue[], batchRows?: number): Promise<Table> {
  return tableFromIPC(await collect(arrowStream(connection, text, params, { batchRows })));
}

/** Row `i` of `data` in plain terms: dates as days, timestamps as their raw integer, lists as arrays. */
function arrowValue(data: Data, i: number): unknown {
  if (!data.getValid(i)) return null;
  const type = data.type;
  if (DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const child = data.children[0]!;
    const items: unknown[] = [];
    for (let k = offsets[data.offset + i]!; k < offsets[data.offset + i + 1]!; k++)
      items.push(arrowValue(child, k));
    return items;
  }
  if (DataType.isTimestamp(type) || DataType.isDate(type))
    return (data.values as ArrayLike<unknown>)[data.offset + i];
  return new Vector([data]).get(i);
}

function arrowColumn(t: Table, name: string): unknown[] {
  const values: unknown[] = [];
  for (const data of t.getChild(name)!.data)
    for (let i = 0; i < data.length; i++) values.push(arrowValue(data, i));
  return values;
}

/** What the Arrow stream should hold for a DuckDB value of `type`, per the documented mapping. */
function expected(value: DuckDBValue, type: DuckDBType): unknown {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.LIST:
      return (value as { items: DuckDBValue[] }).items.map((v) => expected(v, type.valueType));
    case DuckDBTypeId.DECIMAL:
      return (value as { toDouble(): number }).toDouble();
    case DuckDBTypeId.HUGEINT:
      return Number(value);
    case DuckDBTypeId.DATE:
      return (value as { days: number }).days;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (value as { micros: bigint }).micros;
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
      return value;
    default:
      return String(value);
  }
}

describe('arrowStream', () => {
  it('round-trips every supported type, NULLs included, against what DuckDB returns', async () => {
    const sql = 'SELECT * FROM all_types ORDER BY id';
    const t = await table(sql);
    const reader = await connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRows();

    expect(t.schema.fields.map((f) => f.name)).toEqual(names);
    expect(Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      id: 'Int32',
      b: 'Bool',
      i8: 'Int8',
      i16: 'Int16',
      i32: 'Int32',
      i64: 'Int64',
      u8: 'Uint8',
      u16: 'Uint16',
      u32: 'Uint32',
      u64: 'Uint64',
      h: 'Float64',
      f32: 'Float32',
      f64: 'Float64',
      dec4: 'Float64',
      dec9: 'Float64',
      'orders.revenue': 'Float64',
      dec38: 'Float64',
      s: 'Utf8',
      d: 'Date32<DAY>',
      ts: 'Timestamp<MICROSECOND>',
      tz: 'Timestamp<MICROSECOND, UTC>',
      li: 'List<Int32>',
      ls: 'List<Utf8>',
      lts: 'List<Timestamp<MICROSECOND>>',
      lli: 'List<List<Int64>>',
      iv: 'Utf8',
      u: 'Utf8',
      t: 'Utf8',
      e: 'Utf8',
    });
    expect(t.numRows).toBe(rows.length);
    names.forEach((name, c) => {
      const want = rows.map((row) => expected(row[c]!, types[c]!));
      expect({ name, values: arrowColumn(t, name) }).toEqual({ name, values: want });
    });
    // Spot checks that do not go through the helpers above.
    expect(t.getChild('i64')!.get(1)).toBe(9223372036854775807n);
    expect(t.getChild('u64')!.get(1)).toBe(18446744073709551615n);
    expect(t.getChild('s')!.get(1)).toBe(
      'quotes "double" and \'single\', commas, and\na newline; ünïcødé 😀 ∑',
    );
    expect(t.getChild('ts')!.get(0)).toBeCloseTo(Date.UTC(1969, 6, 20, 20, 17, 40, 123) + 0.456, 6);
    expect(t.getChild('tz')!.get(1)).toBe(Date.UTC(2024, 0, 31, 8));
    expect(t.getChild('d')!.get(1)).toBe(Date.UTC(2024, 1, 29));
    expect(t.getChild('orders.revenue')!.get(1)).toBe(Number('9999999999999999.99'));
    expect(t.getChild('u')!.get(0)).toBe('6f1c4f38-2f3a-4c38-8f53-5c2a4d8b9a01');
    expect(t.getChild('iv')!.get(0)).toBe('1 year 2 months 3 days 04:05:06.789');
    expect(t.getChild('b')!.nullCount).toBe(1);
  });

  it('turns HUGEINT and DECIMAL into the doubles DuckDB casts them to', async () => {
    const sql = `SELECT h, h::DOUBLE AS hd, dec38, dec38::DOUBLE AS dd, "orders.revenue" AS r,
      "orders.revenue"::DOUBLE AS rd FROM all_types ORDER BY id`;
    const t = await table(sql);
    for (const [column, cast] of [
      ['h', 'hd'],
      ['dec38', 'dd'],
      ['r', 'rd'],
    ] as const) {
      expect([...t.getChild(column)!]).toEqual([...t.getChild(cast)!]);
    }
  });

  it('reads vectors DuckDB builds on the fly: constants, all-NULL and sliced list columns', async () => {
    const t = await table(
      `SELECT 'constant, more than twelve bytes' AS c, NULL::INTEGER AS n, 7::BIGINT AS k,
        CASE WHEN range % 3 = 0 THEN NULL ELSE [range, range + 1] END AS l
      FROM range(5000)`,
      undefined,
      1000,
    );
    expect(t.numRows).toBe(5000);
    expect(new Set(t.getChild('c')!.toArray())).toEqual(new Set(['constant, more than twelve bytes']));
    expect(t.getChild('n')!.nullCount).toBe(5000);
    expect(t.getChild('k')!.get(4999)).toBe(7n);
    expect(arrowColumn(t, 'l').slice(0, 4)).toEqual([null, [1n, 2n], [2n, 3n], null]);
    expect(t.getChild('l')!.nullCount).toBe(1667);
  });

  it('turns other types into their string form (a bare NULL is INTEGER to DuckDB)', async () => {
    const t = await table(
      `SELECT NULL AS z, {'a': 1, 'b': 'x'} AS st, '\\xAA'::BLOB AS bl, [1, 2]::INTEGER[2] AS arr,
        [{'a': 1}, NULL] AS ls`,
    );
    expect(t.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual([
      'z: Int32',
      'st: Utf8',
      'bl: Utf8',
      'arr: Utf8',
      'ls: List<Utf8>',
    ]);
    expect(t.getChild('z')!.get(0)).toBeNull();
    expect(t.getChild('st')!.get(0)).toBe("{'a': 1, 'b': 'x'}");
    expect(t.getChild('bl')!.get(0)).toBe('\\xAA');
    expect(t.getChild('arr')!.get(0)).toBe('[1, 2]');
    expect(arrowColumn(t, 'ls')).toEqual([["{'a': 1}", null]]);
  });

  it('binds parameters, including a string with a quote, without splicing them into the SQL', async () => {
    const t = await table('SELECT id, s FROM all_types WHERE id > $1 AND s <> $2 ORDER BY id', [1, "it's"]);
    expect(t.getChild('id')!.toArray()).toEqual(Int32Array.from([2, 4, 5]));
    const quoted = await table('SELECT $1 AS v, $2::INTEGER + 1 AS n', [
      'O\'Brien "x"; DROP TABLE all_types; --',
      41,
    ]);
    expect(quoted.getChild('v')!.get(0)).toBe('O\'Brien "x"; DROP TABLE all_types; --');
    expect(quoted.getChild('n')!.get(0)).toBe(42);
  });

  it('keeps the schema of an empty result', async () => {
    const pieces = await collect(arrowStream(connection, 'SELECT * FROM all_types WHERE id < 0', undefined));
    expect(pieces).toHaveLength(1);
    const t = tableFromIPC(pieces);
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => f.name)).toContain('orders.revenue');
  });

  it('yields one record batch per batchRows rows as it goes', async () => {
    const pieces = await collect(
      arrowStream(connection, 'SELECT range AS v FROM range(200000)', undefined, { batchRows: 65536 }),
    );
    const t = tableFromIPC(pieces);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(t.batches.length).toBeGreaterThanOrEqual(3);
    expect(t.batches.slice(0, -1).every((b) => b.numRows === 65536)).toBe(true);
    let sum = 0n;
    for (const v of t.getChild('v')!) sum += v as bigint;
    expect(sum).toBe(19999900000n);
  });

  it('passes exactly maxRows rows and fails on one more, before yielding them', async () => {
    const sql = 'SELECT range AS v FROM range(1000)';
    const ok = await collect(arrowStream(connection, sql, undefined, { maxRows: 1000 }));
    expect(tableFromIPC(ok).numRows).toBe(1000);

    const yielded: Uint8Array[] = [];
    const over = (async () => {
      for await (const p of arrowStream(connection, sql, undefined, { maxRows: 999 })) yielded.push(p);
    })();
    await expect(over).rejects.toMatchObject({ code: 'ROW_LIMIT_EXCEEDED' });
    await expect(over).rejects.toBeInstanceOf(AppError);
    expect(yielded).toHaveLength(0);
  });

  it('never yields more than maxRows rows of a larger result', async () => {
    const yielded: Uint8Array[] = [];
    const over = (async () => {
      const stream = arrowStream(connection, 'SELECT range AS v FROM range(300000)', undefined, {
        maxRows: 100000,
        batchRows: 65536,
      });
      for await (const p of stream) yielded.push(p);
    })();
    await expect(over).rejects.toMatchObject({ code: 'ROW_LIMIT_EXCEEDED' });
    // The batches yielded before the error are readable and within the limit.
    const rows = [...tableFromIPC(yielded).batches].reduce((n, b) => n + b.numRows, 0);
    expect(rows).toBeLessThanOrEqual(100000);
  });

  it('reports errors the engine raises before and while streaming (not a silently short result)', async () => {
    await expect(
      collect(arrowStream(connection, 'SELECT * FROM no_such_table', undefined)),
    ).rejects.toMatchObject({
      code: 'ENGINE_FAILED',
    });
    const failing = `SELECT CASE WHEN range = 900000 THEN error('boom') ELSE range END AS v FROM range(1000000)`;
    await expect(
      collect(arrowStream(connection, failing, undefined, { batchRows: 4096 })),
    ).rejects.toMatchObject({
      code: 'ENGINE_FAILED',
    });
    expect((await connection.runAndReadAll('SELECT 1 AS one')).getRows()).toEqual([[1]]);
  });

  it('stops the query when the consumer leaves early, and the connection stays usable', async () => {
    let pieces = 0;
    for await (const _ of arrowStream(connection, 'SELECT range AS v FROM range(100000000)', undefined, {
      batchRows: 2048,
    })) {
      pieces++;
      break;
    }
    expect(pieces).toBe(1);
    expect((await connection.runAndReadAll('SELECT 42 AS answer')).getRows()).toEqual([[42]]);
    const again = tableFromIPC(
      await collect(arrowStream(connection, 'SELECT range AS v FROM range(10)', undefined)),
    );
    expect(again.numRows).toBe(10);
  });

  it('ends with the abort reason when the signal aborts', async () => {
    const controller = new AbortController();
    const run = (async () => {
      for await (const _ of arrowStream(connection, 'SELECT range AS v FROM range(100000000)', undefined, {
        signal: controller.signal,
        batchRows: 2048,
      })) {
        controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect((await connection.runAndReadAll('SELECT 43 AS answer')).getRows()).toEqual([[43]]);
  });

  it('ends a timed-out query (AbortSignal.timeout) with QUERY_TIMEOUT', async () => {
    const slow = 'SELECT count(*) FROM range(100000000) a, range(100) b WHERE a.range % 7 = b.range';
    await expect(
      collect(arrowStream(connection, slow, undefined, { signal: AbortSignal.timeout(50) })),
    ).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    expect((await connection.runAndReadAll('SELECT 44 AS answer')).getRows()).toEqual([[44]]);
  });
});
