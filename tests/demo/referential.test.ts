import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMoment, queryParquet, readCsv, readJsonl, readManifest } from './support/read-export';
import { generateSmall, SMALL } from './support/small-demo';

const DAY = 86_400_000;
const EXPORT_AT = Date.parse(`${SMALL.end}T00:00:00Z`) + DAY;
const norm = (v: unknown): string =>
  String(v ?? '')
    .trim()
    .toLowerCase();

describe('demo referential sanity', () => {
  let out: string;
  let customers: Record<string, string>[];
  let orders: Record<string, string>[];

  beforeAll(async () => {
    out = await generateSmall(3);
    customers = readCsv(out, 'crm/customers.csv.gz');
    orders = readCsv(out, 'shop/orders.csv.gz');
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('orders name known customers, except the counted strays and guests', () => {
    const known = new Set(customers.map((c) => c['customer_id']));
    const guests = orders.filter((o) => o['customer_id'] === '').length;
    const strays = orders.filter((o) => o['customer_id'] !== '' && !known.has(o['customer_id']));
    const dirt = readManifest(out).dirt['shop/orders.csv.gz'] ?? {};
    expect(guests).toBe(dirt['guest_order']);
    expect(strays.length).toBe(dirt['unknown_customer']);
    expect(guests).toBeGreaterThan(0);
    for (const o of strays) expect(o['customer_id']).toMatch(/^C9\d{5}$/);
  });

  it('tickets and interactions name known customers, except the counted strays', () => {
    const known = new Set(customers.map((c) => c['customer_id']));
    const manifest = readManifest(out);
    for (const path of ['service/tickets.jsonl.gz', 'crm/interactions.jsonl.gz']) {
      const rows = readJsonl(out, path).filter((r) => typeof r['customer_id'] === 'string');
      const strays = rows.filter((r) => !known.has(r['customer_id'] as string)).length;
      expect(strays, path).toBe(manifest.dirt[path]?.['unknown_customer']);
    }
  });

  it('orders after a move carry the new country', () => {
    const versions = new Map<string, { at: number; country: string }[]>();
    for (const c of customers) {
      const list = versions.get(c['customer_id'] ?? '') ?? [];
      list.push({ at: parseMoment(c['updated_at']) ?? 0, country: c['country'] ?? '' });
      versions.set(c['customer_id'] ?? '', list);
    }
    let afterMove = 0;
    for (const o of orders) {
      const history = versions.get(o['customer_id'] ?? '');
      const at = parseMoment(o['ordered_at']);
      if (!history || at === null) continue;
      const current = history.filter((v) => v.at <= at).sort((a, b) => a.at - b.at);
      const country = current[current.length - 1]?.country;
      expect(o['country'], `${o['order_id']} of ${o['customer_id']}`).toBe(country);
      if (new Set(current.map((v) => v.country)).size > 1) afterMove++;
    }
    expect(afterMove).toBeGreaterThan(0);
  });

  it('plans interactions only after the export date, and logs done ones before it', () => {
    const rows = readJsonl(out, 'crm/interactions.jsonl.gz');
    let planned = 0;
    for (const r of rows) {
      const at = parseMoment(r['occurred_at']);
      if (at === null) continue;
      if (norm(r['status']) === 'planned') {
        planned++;
        expect(at).toBeGreaterThan(EXPORT_AT);
        expect(at).toBeLessThanOrEqual(EXPORT_AT + 61 * DAY);
      } else {
        expect(at).toBeLessThan(EXPORT_AT);
      }
    }
    expect(planned).toBeGreaterThan(0);
  });

  it('matches every web purchase with a web order of that customer at the same second', async () => {
    const webOrders = new Set(
      orders.filter((o) => norm(o['channel']) === 'web').map((o) => `${o['customer_id']}|${o['ordered_at']}`),
    );
    const purchases = await queryParquet(
      `SELECT customer_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S') AS at
       FROM read_parquet('${join(out, 'web/events.parquet')}')
       WHERE event = 'purchase' AND occurred_at IS NOT NULL`,
    );
    expect(purchases.length).toBeGreaterThan(10);
    for (const p of purchases)
      expect(webOrders.has(`${p['customer_id']}|${p['at']}`), JSON.stringify(p)).toBe(true);
  });

  it('ties every conversion to an order at that moment, tagged with the campaign when targeted', () => {
    const responses = readCsv(out, 'marketing/campaign_responses.csv.gz').filter(
      (r) => r['event'] === 'converted',
    );
    expect(responses.length).toBeGreaterThan(5);
    for (const r of responses) {
      const lines = orders.filter(
        (o) => o['customer_id'] === r['customer_id'] && o['ordered_at'] === r['occurred_at'],
      );
      expect(lines.length, JSON.stringify(r)).toBeGreaterThan(0);
      const tagged = lines.every((o) => o['campaign_id'] === r['campaign_id']);
      expect(tagged, JSON.stringify(r)).toBe(r['group'] === 'target');
    }
  });

  it('turns every won deal into a sales-rep order worth the deal amount', () => {
    const won = readCsv(out, 'sales/deals.csv.gz').filter((d) => d['stage'] === 'won');
    expect(won.length).toBeGreaterThan(0);
    for (const d of won) {
      const at = parseMoment(d['entered_at']) ?? 0;
      const lines = orders.filter((o) => {
        const t = parseMoment(o['ordered_at']);
        return (
          o['customer_id'] === d['customer_id'] &&
          norm(o['channel']) === 'sales_rep' &&
          t !== null &&
          t > at &&
          t < at + 6 * DAY
        );
      });
      const byOrder = new Map<string, number>();
      const counted = new Set<string>();
      for (const o of lines) {
        // Exact duplicates of a line are one line.
        if (counted.has(`${o['order_id']}|${o['line_no']}`)) continue;
        counted.add(`${o['order_id']}|${o['line_no']}`);
        const net =
          Math.round(Number(o['quantity']) * Number(o['unit_price']) * (1 - Number(o['discount'])) * 100) /
          100;
        byOrder.set(o['order_id'] ?? '', (byOrder.get(o['order_id'] ?? '') ?? 0) + net);
      }
      const amounts = [...byOrder.values()].map((v) => v.toFixed(2));
      expect(amounts, JSON.stringify(d)).toContain(Number(d['amount']).toFixed(2));
    }
  });
});
