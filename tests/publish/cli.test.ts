import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTarget } from '../../src/publish';
import { raw } from '../../src/sql';
import { rapport } from '../helpers/cli';
import { scratchDir } from '../helpers/warehouse';

// The command as a user runs it, into chdb (each run is its own process, as chdb binds one
// data directory per process).
describe('rapport publish (CLI)', () => {
  const scratch = scratchDir('rapport-publish-cli-');
  const db = join(scratch.dir, 'warehouse.duckdb');
  const chdb = `chdb:${join(scratch.dir, 'chdb')}`;

  beforeAll(() => {
    // A copy: publish writes its state into the warehouse.
    copyFileSync(inject('demoWarehouse'), db);
  });
  afterAll(() => scratch.remove());

  it('publishes, prints rows per table and the reconciliation, and copies nothing the second time', async () => {
    const first = await rapport(['publish', '--to', chdb, '--db', db], { timeoutMs: 300_000 });
    expect(first.stderr).toMatch(/fact_order_lines: whole \(first publish\), copying [\d]+ rows in 1 file\n/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^fact_order_lines +fact +whole +[\d,]+ +[\d,]+/m);
    expect(first.stdout).toMatch(/rows copied in [\d.]+ s, [\d,]+ rows\/s/);
    expect(first.stdout).toMatch(/^fact_web_events +all +([\d,]+) +\1 +\d+ +equal$/m);
    expect(first.stdout).not.toContain('DIFFERS');
    const second = await rapport(['publish', '--to', chdb, '--db', db, '--json'], { timeoutMs: 300_000 });
    expect(second.status).toBe(0);
    const result = JSON.parse(second.stdout) as { copied: number; ok: boolean; tables: { mode: string }[] };
    expect(result.copied).toBe(0);
    expect(result.ok).toBe(true);
    expect(new Set(result.tables.map((t) => t.mode))).toEqual(new Set(['unchanged']));
  });

  it('exits 1 and names the table when ClickHouse no longer matches the warehouse', async () => {
    const target = await openTarget(chdb);
    try {
      await target.command(
        raw(
          'ALTER TABLE fact_deal_stages UPDATE amount = amount + 1 WHERE amount IS NOT NULL SETTINGS mutations_sync = 1',
        ),
      );
    } finally {
      await target.close();
    }
    const r = await rapport(['publish', '--to', chdb, '--db', db], { timeoutMs: 300_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^fact_deal_stages +all .*DIFFERS: amount/m);
    expect(r.stderr).toContain('1 table(s) do not reconcile: fact_deal_stages');
  });

  it('explains itself', async () => {
    const help = await rapport(['publish', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rapport publish/);
    expect(help.stdout).toContain('--to <url>');
    expect(help.stdout).toContain('--cluster <name>');
  });

  it('explains a wrong URL and an unknown cluster plainly', async () => {
    const bad = await rapport(['publish', '--to', 'ftp://example.com/x', '--db', db]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('error VALIDATION_FAILED: --to must be http(s)://');
    const cluster = await rapport(['publish', '--to', chdb, '--cluster', 'x', '--db', db]);
    expect(cluster.status).toBe(1);
    expect(cluster.stderr).toContain('--cluster needs a ClickHouse server');
    const shard = await rapport(['publish', '--to', chdb, '--shard', 'http://h:8123/', '--db', db]);
    expect(shard.status).toBe(1);
    expect(shard.stderr).toContain(
      'error VALIDATION_FAILED: --shard gives the URLs of the shards of a --cluster',
    );
  });
});
