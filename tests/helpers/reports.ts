import { join } from 'node:path';
import type { Engine } from '../../src/engine';
import { loadJobFile, runJob } from '../../src/etl';
import { loadModel } from '../../src/model/load';
import type { ReportContext } from '../../src/reports/common/context';
import { DEMO_NOW, ROOT } from './demo';
import { memoryWarehouse } from './warehouse';

export const ONLINE_RETAIL_CSV = join(ROOT, 'fixtures', 'online-retail', 'online_retail.csv.gz');

export function reportContext(engine: Engine, now = DEMO_NOW): ReportContext {
  return { engine, model: loadModel(join(ROOT, 'cubes')), now: () => now };
}

/** A warehouse holding the Online Retail dataset, loaded by its shipped job. */
export async function onlineRetailWarehouse(): Promise<Engine> {
  const engine = await memoryWarehouse();
  await runJob(loadJobFile(join(ROOT, 'etl', 'jobs', 'online-retail.yml')), { engine, root: ROOT });
  return engine;
}

/** Online Retail's completed invoice lines read straight from the source file (not through the ETL). */
export async function onlineRetailLines(engine: Engine) {
  const r = await engine.query(`
    SELECT InvoiceNo AS invoice, CAST(CustomerID AS VARCHAR) AS customer, Quantity AS qty, UnitPrice AS price,
           strftime(InvoiceDate, '%Y-%m-%d %H:%M:%S') AS at
    FROM read_csv('${ONLINE_RETAIL_CSV}', types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR'})`);
  return r.rows.map((x) => ({
    invoice: String(x['invoice']),
    customer: x['customer'] === null ? null : String(x['customer']),
    qty: Number(x['qty']),
    price: Number(x['price']),
    at: String(x['at']),
  }));
}
