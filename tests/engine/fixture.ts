import type { DuckDBConnection } from '@duckdb/node-api';

/** Collects an async byte stream into one array. */
export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

/** One column per supported type, and a few that become text; NULLs, edge values, awkward text. */
export const ALL_TYPES_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['id', 'INTEGER'],
  ['b', 'BOOLEAN'],
  ['i8', 'TINYINT'],
  ['i16', 'SMALLINT'],
  ['i32', 'INTEGER'],
  ['i64', 'BIGINT'],
  ['u8', 'UTINYINT'],
  ['u16', 'USMALLINT'],
  ['u32', 'UINTEGER'],
  ['u64', 'UBIGINT'],
  ['h', 'HUGEINT'],
  ['f32', 'FLOAT'],
  ['f64', 'DOUBLE'],
  ['dec4', 'DECIMAL(4,1)'],
  ['dec9', 'DECIMAL(9,3)'],
  ['orders.revenue', 'DECIMAL(18,2)'],
  ['dec38', 'DECIMAL(38,10)'],
  ['s', 'VARCHAR'],
  ['d', 'DATE'],
  ['ts', 'TIMESTAMP'],
  ['tz', 'TIMESTAMPTZ'],
  ['li', 'INTEGER[]'],
  ['ls', 'VARCHAR[]'],
  ['lts', 'TIMESTAMP[]'],
  ['lli', 'BIGINT[][]'],
  ['iv', 'INTERVAL'],
  ['u', 'UUID'],
  ['t', 'TIME'],
  ['e', "ENUM('red', 'green')"],
];

const ROWS = [
  `(1, true, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0,
    -170141183460469231731687303715884105728, -3.5, -1e300, -999.9, -999999.999, -9999999999999999.99,
    -9999999999999999999999999999.9999999999,
    'plain', DATE '1969-07-20', TIMESTAMP '1969-07-20 20:17:40.123456', TIMESTAMPTZ '1969-07-20 20:17:40.5+00',
    [1, NULL, 3], ['a', NULL, 'a long string, with a comma'], [TIMESTAMP '2024-01-31 10:00:00.000001', NULL],
    [[1, 2], NULL, [], [9007199254740993]],
    INTERVAL '1 year 2 months 3 days 04:05:06.789', '6f1c4f38-2f3a-4c38-8f53-5c2a4d8b9a01', TIME '23:59:59.999999', 'red')`,
  `(2, false, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, 18446744073709551615,
    170141183460469231731687303715884105727, 3.4028235e38, 1.7976931348623157e308, 999.9, 999999.999,
    9999999999999999.99, 9999999999999999999999999999.9999999999,
    'quotes "double" and ''single'', commas, and
a newline; ünïcødé 😀 ∑', DATE '2024-02-29', TIMESTAMP '2024-01-31 10:00:00', TIMESTAMPTZ '2024-01-31 10:00:00+02',
    [], [], [], [],
    INTERVAL '-5 minutes', '00000000-0000-0000-0000-000000000000', TIME '00:00:00', 'green')`,
  `(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  `(4, true, 0, 0, 0, 9007199254740993, 1, 1, 1, 9007199254740993, 12345678901234567890123, 0.1, 0.1, 0.0, -0.001,
    12.34, 0.0000000001, '', DATE '2000-01-01', TIMESTAMP '2000-01-01 00:00:00', TIMESTAMPTZ '2000-01-01 00:00:00+00',
    [NULL], [''], [NULL], [NULL],
    INTERVAL '0 seconds', 'ffffffff-ffff-ffff-ffff-ffffffffffff', TIME '12:00:00', NULL)`,
  `(5, false, 1, 2, 3, -9007199254740993, 2, 3, 4, 5, -12345678901234567890123, NULL, 'NaN', 1.5, 2.25,
    -0.01, 123456789012345678.0123456789, 'exactly twelve', DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:00.000001',
    TIMESTAMPTZ '2262-04-11 23:47:16+00',
    [2147483647, -2147483648], ['"', ',', '
'], [TIMESTAMP '1900-01-01 00:00:00'], [[NULL, 3]],
    INTERVAL '36 hours', NULL, NULL, 'red')`,
];

/** Creates `all_types` on `connection` (a fresh in-memory database's). */
export async function createAllTypes(connection: DuckDBConnection): Promise<void> {
  const columns = ALL_TYPES_COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(', ');
  await connection.run(`CREATE TABLE all_types (${columns})`);
  await connection.run(`INSERT INTO all_types VALUES ${ROWS.join(',\n')}`);
}
