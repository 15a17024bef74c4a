import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { DuckDbEngine, type Engine, openEngine } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import type { Model } from '../../src/model/types';
import { openTarget, type PublishResult, publish } from '../../src/publish';
import { ROOT } from '../helpers/demo';
import { scratchDir } from '../helpers/warehouse';

/** The demo warehouse in DuckDB and its published copy in an in-process ClickHouse. */
export interface PublishedDemo {
  /** A copy of the demo warehouse file: publish writes its state there. */
  readonly duckdb: Engine;
  readonly dbPath: string;
  /** The ClickHouse engine on the published copy (`chdb:DIR`). */
  readonly clickhouse: Engine;
  readonly chdbUrl: string;
  readonly model: Model;
  readonly published: PublishResult;
  close(): Promise<void>;
}

/**
 * Copies the demo warehouse the global setup built into a scratch folder and publishes it into
 * chdb there. chdb binds one data directory per process: vitest runs each test file in a
 * process of its own (pool 'forks'), so one call per test file.
 */
export async function publishedDemo(): Promise<PublishedDemo> {
  const scratch = scratchDir('rapport-parity-');
  const dbPath = join(scratch.dir, 'warehouse.duckdb');
  copyFileSync(inject('demoWarehouse'), dbPath);
  const chdbUrl = `chdb:${join(scratch.dir, 'chdb')}`;
  const model = loadModel(join(ROOT, 'cubes'));
  const duckdb = await DuckDbEngine.open({ path: dbPath });
  const target = await openTarget(chdbUrl);
  let published: PublishResult;
  try {
    published = await publish({ from: duckdb, to: target, model });
  } finally {
    await target.close();
  }
  const clickhouse = await openEngine(chdbUrl);
  return {
    duckdb,
    dbPath,
    clickhouse,
    chdbUrl,
    model,
    published,
    close: async () => {
      await clickhouse.close();
      await duckdb.close();
      scratch.remove();
    },
  };
}
