import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/load';
import { capabilitiesOf, mapColumn, publishedTables } from '../../src/publish';
import { createDistributed, createMergeTree, layoutOf } from '../../src/publish/ddl';
import { sameTotal } from '../../src/publish/reconcile';
import { parseTargetUrl, redact } from '../../src/publish/target';
import { baseDialect, render } from '../../src/sql';
import { ROOT } from '../helpers/demo';

const OLD = capabilitiesOf('18.16.1');
const NEW = capabilitiesOf('26.7.2.1');

describe('publish: DuckDB types as ClickHouse stores them', () => {
  it('knows what each server version has', () => {
    expect(OLD).toEqual({ dateTime64: false, date32: false, bool: false });
    expect(NEW).toEqual({ dateTime64: true, date32: true, bool: true });
    expect(capabilitiesOf('21.8.3')).toEqual({ dateTime64: true, date32: false, bool: false });
  });

  it.each([
    ['BIGINT', false, NEW, 'Int64'],
    ['INTEGER', true, NEW, 'Nullable(Int32)'],
    ['UBIGINT', false, NEW, 'UInt64'],
    ['DOUBLE', true, NEW, 'Nullable(Float64)'],
    ['DECIMAL(18,4)', false, NEW, 'Decimal(18, 4)'],
    ['VARCHAR', true, NEW, 'Nullable(String)'],
    ['JSON', true, NEW, 'Nullable(String)'],
    ['TIMESTAMP', false, NEW, "DateTime64(6, 'UTC')"],
    ['TIMESTAMP', true, OLD, "Nullable(DateTime('UTC'))"],
    ['DATE', false, NEW, 'Date32'],
    ['DATE', false, OLD, 'Date'],
    ['BOOLEAN', false, NEW, 'Bool'],
    ['BOOLEAN', false, OLD, 'UInt8'],
  ] as const)('%s (nullable %s) → %s', (type, nullable, caps, expected) => {
    expect(mapColumn('t', { name: 'c', type, nullable }, caps).clickhouseType).toBe(expected);
  });

  it('clamps timestamps to the range of the type, and to the second on old servers', () => {
    expect(mapColumn('t', { name: 'c', type: 'TIMESTAMP', nullable: false }, OLD).export).toEqual({
      kind: 'clamp',
      min: '1970-01-01 00:00:00',
      max: '2106-02-07 06:28:15',
      seconds: true,
    });
    expect(mapColumn('t', { name: 'c', type: 'TIMESTAMP', nullable: false }, NEW).export).toMatchObject({
      max: '2299-12-31 23:59:59.999999',
      seconds: false,
    });
  });

  it('refuses a type it cannot copy, naming the column', () => {
    expect(() => mapColumn('fact_x', { name: 'tags', type: 'VARCHAR[]', nullable: true }, NEW)).toThrow(
      'fact_x.tags is VARCHAR[]',
    );
  });
});

describe('publish: reconciliation totals', () => {
  it('compares integer sums modulo 2^64, as ClickHouse wraps them', () => {
    expect(sameTotal('integer', '18446744073709551617', '1')).toBe(true);
    expect(sameTotal('integer', '-1', '18446744073709551615')).toBe(true);
    expect(sameTotal('integer', '10', '11')).toBe(false);
  });

  it('compares decimals exactly, whatever the trailing zeros', () => {
    expect(sameTotal('decimal', '1234.5000', '1234.5')).toBe(true);
    expect(sameTotal('decimal', '0.0000', '0')).toBe(true);
    expect(sameTotal('decimal', '1234.5001', '1234.5')).toBe(false);
  });

  it('compares floats to 1e-9 relative', () => {
    expect(sameTotal('float', '1000000.0000000001', '1000000')).toBe(true);
    expect(sameTotal('float', '1000.001', '1000')).toBe(false);
  });
});

describe('publish: tables and their layout', () => {
  const model = loadModel(join(ROOT, 'cubes'));
  const tables = publishedTables(model);

  it('reads the facts with their time column and the dimensions with their key from the model', () => {
    const orders = tables.find((t) => t.name === 'fact_order_lines');
    expect(orders).toMatchObject({ kind: 'fact', timeColumn: 'ordered_at' });
    const customers = tables.find((t) => t.name === 'dim_customer');
    expect(customers).toMatchObject({ kind: 'dimension', primaryKey: ['customer_key'] });
    expect(tables.map((t) => t.name)).not.toContain('etl_runs');
  });

  it('sorts a fact by customer and time, partitions it by month and shards it by customer', () => {
    const orders = tables.find((t) => t.name === 'fact_order_lines')!;
    const columns = [
      { name: 'order_id', type: 'VARCHAR', nullable: false },
      { name: 'ordered_at', type: 'TIMESTAMP', nullable: false },
      { name: 'customer_id', type: 'VARCHAR', nullable: true },
      { name: 'customer_key', type: 'BIGINT', nullable: true },
      { name: 'revenue', type: 'DECIMAL(18,4)', nullable: false },
    ].map((c) => mapColumn('fact_order_lines', c, OLD));
    const layout = layoutOf(orders, columns, ['order_id', 'line_no']);
    expect(render(createMergeTree('db', 'fact_order_lines_local', columns, layout), baseDialect).text).toBe(
      `CREATE TABLE "db"."fact_order_lines_local" ("order_id" String, "ordered_at" DateTime('UTC'), "customer_id" Nullable(String), "customer_key" Nullable(Int64), "revenue" Decimal(18, 4))
ENGINE = MergeTree
PARTITION BY toYYYYMM("ordered_at")
ORDER BY (assumeNotNull("customer_key"), "ordered_at")`,
    );
    expect(
      render(
        createDistributed('db', 'fact_order_lines', 'fact_order_lines_local', 'c', columns, layout),
        baseDialect,
      ).text,
    ).toContain(
      'ENGINE = Distributed("c", "db", "fact_order_lines_local", cityHash64(ifNull("customer_id", toString("order_id"))))',
    );
  });
});

describe('publish: target URLs', () => {
  it('reads http URLs and chdb directories, and never shows the password', () => {
    expect(parseTargetUrl('https://ana:s3cret@ch.example:8443/warehouse')).toEqual({
      kind: 'http',
      origin: 'https://ch.example:8443',
      username: 'ana',
      password: 's3cret',
      database: 'warehouse',
    });
    expect(parseTargetUrl('chdb:/var/lib/rapport-ch')).toEqual({
      kind: 'chdb',
      dir: '/var/lib/rapport-ch',
      database: 'default',
    });
    expect(redact('https://ana:s3cret@ch.example:8443/warehouse')).toBe(
      'https://ana:***@ch.example:8443/warehouse',
    );
    expect(() => parseTargetUrl('ftp://x/y')).toThrow('--to must be');
    expect(() => parseTargetUrl('http://h:8123/bad-name')).toThrow('is not a database name');
  });
});
