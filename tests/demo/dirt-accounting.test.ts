import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, type Verdict } from './support/classify';
import { readCsv, readJsonl, readManifest } from './support/read-export';
import { generateSmall } from './support/small-demo';

const COMMITTED = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/demo');

/** The manifest's counts, plus the rows it counts as clean, in the classifier's terms. */
function expected(dir: string, path: string, rows: number): Partial<Record<Verdict, number>> {
  const manifest = readManifest(dir);
  const dirt = Object.fromEntries(Object.entries(manifest.dirt[path] ?? {}).filter(([, n]) => n > 0));
  const dirty = Object.values(dirt).reduce((a, b) => a + b, 0);
  return { ...dirt, clean: rows - dirty };
}

function checkAccounting(dir: string): void {
  const customers = readCsv(dir, 'crm/customers.csv.gz');
  const known = new Set(customers.map((c) => c['customer_id'] ?? ''));
  const products = new Set(readCsv(dir, 'shop/products.csv').map((p) => p['sku'] ?? ''));

  const orders = readCsv(dir, 'shop/orders.csv.gz');
  const orderVerdicts = classify(orders, {
    required: ['order_id', 'ordered_at', 'quantity', 'unit_price'],
    timestamps: ['ordered_at'],
    numbers: ['quantity', 'unit_price'],
    enums: {
      status: ['completed', 'cancelled', 'returned'],
      channel: ['web', 'store', 'phone', 'marketplace', 'sales_rep'],
    },
    key: ['order_id', 'line_no'],
    customerField: 'customer_id',
    knownCustomers: known,
    productField: 'sku',
    knownProducts: products,
    negativeChecks: true,
  });
  expect(orderVerdicts).toEqual(expected(dir, 'shop/orders.csv.gz', orders.length));

  const tickets = readJsonl(dir, 'service/tickets.jsonl.gz');
  const ticketVerdicts = classify(tickets, {
    required: ['ticket_id', 'customer_id', 'opened_at'],
    timestamps: ['opened_at'],
    numbers: ['satisfaction'],
    enums: {
      category: ['billing', 'delivery', 'product', 'returns', 'account'],
      priority: ['low', 'normal', 'high', 'urgent'],
      channel: ['email', 'phone', 'chat', 'web'],
    },
    key: ['ticket_id'],
    customerField: 'customer_id',
    knownCustomers: known,
  });
  expect(ticketVerdicts).toEqual(expected(dir, 'service/tickets.jsonl.gz', tickets.length));

  const customerVerdicts = classify(customers, {
    required: ['customer_id'],
    timestamps: ['signup_at', 'updated_at'],
    numbers: [],
    enums: {
      type: ['b2b', 'b2c'],
      acquisition_channel: [
        'organic',
        'paid_search',
        'social',
        'referral',
        'email',
        'direct',
        'partner',
        'events',
      ],
    },
    key: ['customer_id', 'updated_at'],
  });
  expect(customerVerdicts).toEqual(expected(dir, 'crm/customers.csv.gz', customers.length));
}

describe('dirt accounting', () => {
  let small: string;

  beforeAll(async () => {
    small = await generateSmall(5);
  });

  afterAll(() => rmSync(small, { recursive: true, force: true }));

  it('matches what a loader finds in a small generation', () => {
    checkAccounting(small);
  });

  it('matches what a loader finds in the committed demo', () => {
    checkAccounting(COMMITTED);
  });
});
