import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSources } from '../../../src/cli/demo-sources/seed';
import type { Engine } from '../../../src/engine';
import { type RunRecord, runJob, selectJobs } from '../../../src/etl';
import { demoManifest, loadDemoFromFiles, ROOT } from '../../helpers/demo';
import { memoryWarehouse, tableChecksums } from '../../helpers/warehouse';
import { myConnection, pgClient, suffix } from './services';

const BOOKKEEPING = ['etl_runs', 'etl_rejects', 'etl_watermarks'];
const name = `rapport_eq_${suffix()}`;
let fromFiles: { engine: Engine; runs: RunRecord[] };
let fromDatabases: { engine: Engine; runs: RunRecord[] };
let seeded: Awaited<ReturnType<typeof seedDemoSources>>;

beforeAll(async () => {
  // The shipped connections (etl/sources.yml) take the schema and database from these.
  process.env['RAPPORT_DEMO_PG_SCHEMA'] = name;
  process.env['RAPPORT_DEMO_MYSQL_DB'] = name;
  // Seeding mostly waits on the databases: the file load runs meanwhile.
  [seeded, fromFiles] = await Promise.all([
    seedDemoSources({ root: ROOT, postgres: 'demo-crm', mysql: 'demo-shop' }),
    loadDemoFromFiles(),
  ]);
  const engine = await memoryWarehouse();
  const runs: RunRecord[] = [];
  for (const job of selectJobs(['pg-*', 'mysql-*'], false, join(ROOT, 'etl', 'jobs-sources'))) {
    runs.push(await runJob(job, { engine, root: ROOT }));
  }
  fromDatabases = { engine, runs };
  // The suite's hook timeout: seeding two databases and two full loads took over 120 s on a
  // machine under load (12 runnable processes on 2 cores), though about 40 s when quiet.
}, 300_000);

afterAll(async () => {
  const pg = await pgClient();
  await pg.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  await pg.end();
  const my = await myConnection();
  await my.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await my.end();
  await fromFiles?.engine.close();
  await fromDatabases?.engine.close();
});

describe('the demo company read back from its source systems', () => {
  it('a warehouse built from the databases equals one built from the demo files, table by table', async () => {
    const files = await tableChecksums(fromFiles.engine, BOOKKEEPING);
    const dbs = await tableChecksums(fromDatabases.engine, BOOKKEEPING);
    expect(Object.keys(files).length).toBeGreaterThan(12);
    expect(dbs).toEqual(files);
  });

  it('the only difference is the dirt a typed database column cannot hold: those rows were never rejected', () => {
    const byTarget = (runs: RunRecord[]) => new Map(runs.map((r) => [r.target, r]));
    const f = byTarget(fromFiles.runs);
    const d = byTarget(fromDatabases.runs);
    const jobTarget: Record<string, string> = {
      employees: 'employees',
      customers: 'customers',
      campaigns: 'campaigns',
      interactions: 'interactions',
      campaign_responses: 'campaign_responses',
      deals: 'deals',
      tickets: 'tickets',
      products: 'products',
      orders: 'orders',
      web_events: 'web_events',
    };
    for (const s of seeded) {
      const target = jobTarget[s.table]!;
      expect(d.get(target)?.status).toBe('succeeded');
      expect(d.get(target)!.rows_read).toBe(s.rows);
      expect(f.get(target)!.rows_read - d.get(target)!.rows_read).toBe(s.dropped);
      expect(f.get(target)!.rejected - d.get(target)!.rejected).toBe(s.dropped);
      expect(d.get(target)!.duplicates).toBe(f.get(target)!.duplicates);
    }
    // What a typed column cannot hold is the manifest's bad_timestamp + bad_number dirt.
    const dirt = demoManifest().dirt;
    const unstorable = (file: string) =>
      (dirt[file]!['bad_timestamp'] ?? 0) + (dirt[file]!['bad_number'] ?? 0);
    expect(seeded.find((s) => s.table === 'interactions')!.dropped).toBe(
      unstorable('crm/interactions.jsonl.gz'),
    );
    expect(seeded.find((s) => s.table === 'orders')!.dropped).toBe(unstorable('shop/orders.csv.gz'));
  });
});
