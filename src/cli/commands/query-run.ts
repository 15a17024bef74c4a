import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { prepareCubeQuery, QueryService } from '../../cube';
import { AppError } from '../../errors';
import { pinnedNow, warehouseVersion } from '../../etl';
import { loadModel } from '../../model/load';
import { duckdbDialect } from '../../sql';
import { formatTable } from '../../util/text-table';
import {
  clickhouseUrl,
  clockOf,
  projectRoot,
  warehousePath,
  withWarehouse,
  withWarehouses,
} from '../context';
import { QUERY_FORMATS } from '../specs';

export interface QueryOptions {
  db?: string;
  /** The ClickHouse that answers instead of the DuckDB file [$RAPPORT_CLICKHOUSE_URL]. */
  clickhouse?: string;
  format: string;
  out?: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', `the query is not JSON: ${(e as Error).message}`);
  }
}

export async function query(json: string, opts: QueryOptions): Promise<void> {
  if (!(QUERY_FORMATS as readonly string[]).includes(opts.format)) {
    throw new AppError('VALIDATION_FAILED', `--format must be one of ${QUERY_FORMATS.join(', ')}`);
  }
  if (opts.format === 'arrow' && !opts.out && process.stdout.isTTY) {
    throw new AppError('VALIDATION_FAILED', 'Arrow is binary: give --out FILE or redirect standard output');
  }
  const q = parseJson(json);
  const model = loadModel(join(projectRoot(), 'cubes'));
  await withWarehouses(opts.db, clickhouseUrl(opts.clickhouse), async ({ state, warehouse }) => {
    // The data version and the clock are the run log's, in DuckDB (publish mirrors its runs).
    const version = await warehouseVersion(state);
    const { now } = await clockOf(state);
    const service = new QueryService({
      engine: warehouse,
      model,
      version: () => version,
      now,
      stateInWarehouse: warehouse === state,
    });
    const out = opts.out ? createWriteStream(opts.out) : process.stdout;
    if (opts.format === 'csv' || opts.format === 'arrow') {
      const stream = await service.stream(q, opts.format);
      await pipeline(Readable.from(stream), out, { end: out !== process.stdout });
      return;
    }
    const response = await service.load(q);
    const text =
      opts.format === 'json'
        ? JSON.stringify(response.queryType === 'regularQuery' ? response.results[0] : response, null, 2)
        : response.results.map((r) => formatTable(r.data)).join('\n\n');
    if (opts.out) await pipeline(Readable.from([`${text}\n`]), out);
    else console.log(text);
  });
}

export async function sql(json: string, opts: { db?: string }): Promise<void> {
  const model = loadModel(join(projectRoot(), 'cubes'));
  const input = parseJson(json);
  // The same clock and dialect as `rapport query` on the same warehouse, so the SQL agrees;
  // without a warehouse, the embedded engine's dialect.
  const prepared = existsSync(warehousePath(opts.db))
    ? await withWarehouse(opts.db, async (engine) => {
        const { now } = await clockOf(engine);
        return prepareCubeQuery(input, { model, now }, engine.dialect);
      })
    : prepareCubeQuery(
        input,
        { model, now: () => pinnedNow(process.env['RAPPORT_NOW']) ?? new Date() },
        duckdbDialect,
      );
  for (const { sql } of prepared.parts) {
    console.log(sql.text);
    console.log(`-- parameters: ${JSON.stringify(sql.params)}`);
  }
}
