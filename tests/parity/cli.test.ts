import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reportRunsOn } from '../../src/reports/common/definition';
import { getReport } from '../../src/reports/registry';
import { rapport } from '../helpers/cli';
import { scratchDir } from '../helpers/warehouse';
import { deepDifferences, differences } from './compare';

// `--clickhouse URL` on `rapport query` and `rapport report`, as a user runs them. Each command
// is a process of its own (chdb binds one data directory per process); this file opens no chdb.
describe('rapport query and report --clickhouse', () => {
  const scratch = scratchDir('rapport-parity-cli-');
  const db = join(scratch.dir, 'warehouse.duckdb');
  const chdb = `chdb:${join(scratch.dir, 'chdb')}`;
  const QUERY = JSON.stringify({
    measures: ['orders.revenue', 'orders.order_count'],
    dimensions: ['customers.region'],
    order: { 'orders.revenue': 'desc' },
  });

  beforeAll(async () => {
    copyFileSync(inject('demoWarehouse'), db);
    const published = await rapport(['publish', '--to', chdb, '--db', db], { timeoutMs: 300_000 });
    expect(published.status, published.stderr).toBe(0);
  }, 360_000);
  afterAll(() => scratch.remove());

  const json = (stdout: string) => JSON.parse(stdout) as { data: Record<string, unknown>[]; dbType: string };

  it('answers a cube query from ClickHouse as from DuckDB, by flag and by RAPPORT_CLICKHOUSE_URL', async () => {
    const duck = await rapport(['query', QUERY, '--db', db, '--format', 'json']);
    const byFlag = await rapport(['query', QUERY, '--db', db, '--format', 'json', '--clickhouse', chdb]);
    const byEnv = await rapport(['query', QUERY, '--db', db, '--format', 'json'], {
      env: { RAPPORT_CLICKHOUSE_URL: chdb },
    });
    for (const r of [duck, byFlag, byEnv]) expect(r.status, r.stderr).toBe(0);
    expect(json(duck.stdout).dbType).toBe('duckdb');
    expect(json(byFlag.stdout).dbType).toBe('clickhouse');
    expect(json(byEnv.stdout).dbType).toBe('clickhouse');
    expect(json(duck.stdout).data.length).toBeGreaterThan(1);
    expect(differences(json(duck.stdout).data, json(byFlag.stdout).data, ['orders.revenue'])).toEqual([]);
  });

  it('runs a report on ClickHouse or refuses it plainly, by whether the report runs there', async () => {
    const duck = await rapport(['report', 'rfm', '--db', db, '--format', 'json']);
    const ch = await rapport(['report', 'rfm', '--db', db, '--format', 'json', '--clickhouse', chdb]);
    expect(duck.status, duck.stderr).toBe(0);
    // rfm says in its definition whether it runs on ClickHouse (the porting widens it).
    if (reportRunsOn(getReport('rfm'), 'clickhouse')) {
      expect(ch.status, ch.stderr).toBe(0);
      expect(deepDifferences(JSON.parse(duck.stdout), JSON.parse(ch.stdout))).toEqual([]);
    } else {
      expect(ch.status).toBe(1);
      expect(ch.stderr).toMatch(
        /^error REPORT_ENGINE_UNSUPPORTED: the report "rfm" does not run on clickhouse/,
      );
    }
  });

  it('a location that is not a ClickHouse, or one that cannot be reached, is one line, not a stack', async () => {
    const notClickHouse = await rapport(['query', QUERY, '--db', db, '--clickhouse', 'ftp://example.com/x']);
    expect(notClickHouse.status).toBe(1);
    expect(notClickHouse.stderr.trim()).toBe(
      'error VALIDATION_FAILED: --clickhouse (or RAPPORT_CLICKHOUSE_URL) must be http(s)://user:password@host:port/database or chdb:DIR, got ftp://example.com/x',
    );
    // Port 9 (discard) on loopback: nothing listens there.
    const unreachable = await rapport([
      'query',
      QUERY,
      '--db',
      db,
      '--clickhouse',
      'http://u:secret@127.0.0.1:9/db',
    ]);
    expect(unreachable.status).toBe(1);
    const lines = unreachable.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error ENGINE_FAILED: ClickHouse at http:\/\/u:\*\*\*@127\.0\.0\.1:9\/db: .*cannot be reached/,
    );
    expect(unreachable.stderr).not.toContain('secret');
    const serve = await rapport(['serve', '--db', db, '--port', '0', '--clickhouse', 'http://127.0.0.1:9/']);
    expect(serve.status).toBe(1);
    expect(serve.stderr.trim().split('\n')).toHaveLength(1);
    expect(serve.stderr).toMatch(/^error ENGINE_FAILED: ClickHouse at http:\/\/127\.0\.0\.1:9\/: /);
  });
});
