import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../src/engine';
import { type EtlEffects, parseJobText, type RunRecord, runJob } from '../../src/etl';

/** Writes `files` into `dir` and runs the job given as YAML text (paths relative to dir). */
export async function runInlineJob(
  engine: Engine,
  dir: string,
  yaml: string,
  files: Record<string, string | Buffer> = {},
  effects: Partial<EtlEffects> = {},
): Promise<RunRecord> {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const job = parseJobText(yaml, join(dir, 'job.yml'));
  return runJob(job, { engine, root: dir, ...effects });
}

/** The accounting invariant every run must keep. */
export function accounted(r: RunRecord): number {
  return r.inserted + r.updated + r.unchanged + r.rejected + r.duplicates;
}

export const ORDERS_MAPPING = `
target: orders
mapping:
  order_id: order_id
  line_no: line_no
  customer_id: customer_id
  sku: sku
  product_name: product_name
  quantity: quantity
  unit_price: unit_price
  status: status
  ordered_at: ordered_at
  updated_at: updated_at
  channel: channel
  country: country
`;

export function ordersJob(name: string, path: string, extra = ''): string {
  return `name: ${name}\nsource:\n  type: csv\n  path: ${path}\n${ORDERS_MAPPING}${extra}`;
}
