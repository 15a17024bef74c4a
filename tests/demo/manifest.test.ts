import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDataLines, queryParquet, readManifest } from './support/read-export';
import { generateSmall, SMALL } from './support/small-demo';

const EXPECTED_FILES = [
  'crm/customers.csv.gz',
  'crm/employees.csv',
  'crm/interactions.jsonl.gz',
  'shop/products.csv',
  'shop/orders.csv.gz',
  'marketing/campaigns.csv',
  'marketing/campaign_responses.csv.gz',
  'web/events.parquet',
  'sales/deals.csv.gz',
  'service/tickets.jsonl.gz',
];

describe('demo manifest', () => {
  let out: string;

  beforeAll(async () => {
    out = await generateSmall(11);
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('lists every file and the options used', () => {
    const manifest = readManifest(out);
    expect(manifest.files.map((f) => f.path).sort()).toEqual([...EXPECTED_FILES].sort());
    expect(Object.keys(manifest.dirt).sort()).toEqual([...EXPECTED_FILES].sort());
    expect(manifest.options).toEqual({ seed: 11, ...SMALL });
  });

  it('counts the rows the files really hold', async () => {
    for (const { path, rows } of readManifest(out).files) {
      const actual = path.endsWith('.parquet')
        ? Number(
            (await queryParquet(`SELECT count(*) AS n FROM read_parquet('${join(out, path)}')`))[0]?.['n'],
          )
        : countDataLines(join(out, path));
      expect(actual, path).toBe(rows);
      expect(rows, path).toBeGreaterThan(0);
    }
  });

  it('never counts more dirty rows than a file holds', () => {
    const manifest = readManifest(out);
    for (const { path, rows } of manifest.files) {
      const dirty = Object.values(manifest.dirt[path] ?? {}).reduce((a, b) => a + b, 0);
      expect(dirty, path).toBeLessThan(rows * 0.05 + 10);
    }
  });
});
