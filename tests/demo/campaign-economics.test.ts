import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMoment, queryParquet, readCsv, readManifest } from './support/read-export';
import { generateSmall } from './support/small-demo';

const COMMITTED = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/demo');
const DAY = 86_400_000;
const EVENTS = ['sent', 'delivered', 'opened', 'clicked', 'responded', 'converted', 'unsubscribed'];
const norm = (v: unknown): string =>
  String(v ?? '')
    .trim()
    .toLowerCase();

interface Export {
  campaigns: Record<string, string>[];
  /** Loadable responses: a known event, with a campaign. */
  responses: Record<string, string>[];
  /** Per campaign id: sessions carrying it, and those of them with a known customer. */
  sessions: Map<string, { all: number; known: number }>;
  firstWebEvent: number;
  exportAt: number;
}

async function readExport(dir: string): Promise<Export> {
  const responses = readCsv(dir, 'marketing/campaign_responses.csv.gz').filter(
    (r) => r['campaign_id'] !== '' && EVENTS.includes(norm(r['event'])),
  );
  const web = join(dir, 'web/events.parquet');
  const rows = await queryParquet(
    `SELECT campaign_id, count(DISTINCT session_id) AS all_sessions,
            count(DISTINCT session_id) FILTER (WHERE customer_id IS NOT NULL) AS known
     FROM read_parquet('${web}') WHERE campaign_id IS NOT NULL GROUP BY campaign_id`,
  );
  const first = await queryParquet(
    `SELECT strftime(min(occurred_at), '%Y-%m-%d %H:%M:%S') AS at FROM read_parquet('${web}')`,
  );
  return {
    campaigns: readCsv(dir, 'marketing/campaigns.csv'),
    responses,
    sessions: new Map(
      rows.map((r) => [
        String(r['campaign_id']),
        { all: Number(r['all_sessions']), known: Number(r['known']) },
      ]),
    ),
    firstWebEvent: parseMoment(first[0]?.['at']) ?? Number.NaN,
    exportAt: Date.parse(`${readManifest(dir).options.end}T00:00:00Z`) + DAY,
  };
}

/** The checks every generation must pass, whatever its size. */
function checkReach(e: Export): void {
  expect(e.campaigns.length).toBeGreaterThan(0);
  const eventsOf = new Map<string, Set<string>>();
  for (const r of e.responses) {
    const set = eventsOf.get(r['campaign_id'] ?? '') ?? new Set<string>();
    set.add(norm(r['event']));
    eventsOf.set(r['campaign_id'] ?? '', set);
  }
  for (const c of e.campaigns) {
    const id = c['campaign_id'] ?? '';
    const kind = norm(c['kind']);
    const events = eventsOf.get(id) ?? new Set<string>();
    const sessions = e.sessions.get(id)?.all ?? 0;
    const label = `${id} ${c['name']} (${kind})`;
    if (Number(c['cost']) > 0)
      expect(events.size + sessions, `${label} costs but reached nobody`).toBeGreaterThan(0);
    if (kind === 'sms') expect(events.has('opened'), `${label}: SMS opens are not tracked`).toBe(false);
    if (kind !== 'telemarketing')
      expect(events.has('responded'), `${label}: only calls get replies`).toBe(false);
    if (kind === 'ads' || kind === 'social' || kind === 'event') {
      // No contact list: they reach people only through the web sessions that carry them.
      expect(events.size, `${label} has responses`).toBe(0);
      expect(sessions, `${label} has no sessions`).toBeGreaterThan(0);
      const startsAt = parseMoment(c['starts_at']) ?? 0;
      // Web analytics goes live a year before the export, and its first event is the proof.
      expect(startsAt, `${label} started before web analytics`).toBeGreaterThanOrEqual(
        e.exportAt - 365 * DAY,
      );
      expect(startsAt, `${label} started before the first web event`).toBeGreaterThanOrEqual(
        Math.floor(e.firstWebEvent / DAY) * DAY,
      );
    }
  }
}

describe('campaign economics', () => {
  let small: string;

  beforeAll(async () => {
    small = await generateSmall(13);
  });

  afterAll(() => rmSync(small, { recursive: true, force: true }));

  it('gives every campaign of a small generation the responses its channel can have', async () => {
    checkReach(await readExport(small));
  });

  it('gives every committed campaign the responses its channel can have', async () => {
    const e = await readExport(COMMITTED);
    checkReach(e);
    const kinds = new Set(e.campaigns.map((c) => norm(c['kind'])));
    expect([...kinds].sort()).toEqual(['ads', 'email', 'event', 'sms', 'social', 'telemarketing']);
    for (const c of e.campaigns.filter((c) => ['ads', 'social', 'event'].includes(norm(c['kind'])))) {
      const s = e.sessions.get(c['campaign_id'] ?? '') ?? { all: 0, known: 0 };
      // Known customers and anonymous visitors alike.
      expect(s.known, c['name']).toBeGreaterThan(0);
      expect(s.all - s.known, c['name']).toBeGreaterThan(0);
    }
    const events = (kind: string): Set<string> => {
      const ids = new Set(e.campaigns.filter((c) => norm(c['kind']) === kind).map((c) => c['campaign_id']));
      return new Set(e.responses.filter((r) => ids.has(r['campaign_id'])).map((r) => norm(r['event'])));
    };
    expect([...events('email')].sort()).toEqual(
      ['clicked', 'converted', 'delivered', 'opened', 'sent', 'unsubscribed'].sort(),
    );
    expect(events('sms').has('clicked')).toBe(true);
    expect(events('sms').has('converted')).toBe(true);
    expect([...events('telemarketing')].sort()).toEqual(['converted', 'delivered', 'responded', 'sent']);
  });

  it('earns what real campaigns earn under last-touch attribution', async () => {
    // The attribution the campaign-roi report uses, computed here from the raw files: completed
    // order lines of known customers (the newer of duplicate lines), each order credited to the
    // latest touch in the 30 days before it; touches are target-group clicks, replies and
    // conversions, and web sessions carrying a campaign with a known customer.
    const f = (path: string): string => join(COMMITTED, path);
    const csv = (path: string): string => `read_csv('${f(path)}', all_varchar = true, header = true)`;
    const ts = (col: string): string => `try_strptime(${col}, '%Y-%m-%d %H:%M:%S')`;
    const rows = await queryParquet(`
      WITH customers AS (SELECT DISTINCT customer_id FROM ${csv('crm/customers.csv.gz')}),
      lines AS (
        SELECT * FROM ${csv('shop/orders.csv.gz')}
        QUALIFY row_number() OVER (PARTITION BY order_id, line_no ORDER BY updated_at DESC) = 1),
      orders AS (
        SELECT order_id, any_value(customer_id) AS customer_id, min(${ts('ordered_at')}) AS at,
               sum(try_cast(quantity AS DOUBLE) * try_cast(unit_price AS DOUBLE)
                   * (1 - coalesce(try_cast(discount AS DOUBLE), 0))) AS revenue
        FROM lines
        WHERE lower(trim(status)) = 'completed' AND try_cast(quantity AS DOUBLE) > 0
          AND try_cast(unit_price AS DOUBLE) >= 0 AND ${ts('ordered_at')} IS NOT NULL
          AND customer_id IN (SELECT customer_id FROM customers)
        GROUP BY order_id),
      touches AS (
        SELECT DISTINCT customer_id, campaign_id, ${ts('occurred_at')} AS at FROM ${csv('marketing/campaign_responses.csv.gz')}
        WHERE lower(trim("group")) = 'target' AND lower(trim(event)) IN ('clicked', 'responded', 'converted')
          AND ${ts('occurred_at')} IS NOT NULL
        UNION ALL
        SELECT any_value(customer_id), campaign_id, min(occurred_at) FROM read_parquet('${f('web/events.parquet')}')
        WHERE campaign_id IS NOT NULL AND customer_id IS NOT NULL AND occurred_at IS NOT NULL
        GROUP BY session_id, campaign_id),
      latest AS (
        SELECT o.order_id, o.revenue, t.campaign_id
        FROM orders o JOIN touches t ON t.customer_id = o.customer_id
          AND t.at <= o.at AND t.at >= o.at - INTERVAL 30 DAY
        QUALIFY rank() OVER (PARTITION BY o.order_id ORDER BY t.at DESC) = 1),
      credited AS (
        SELECT campaign_id, sum(revenue / n) AS revenue
        FROM (SELECT *, count(*) OVER (PARTITION BY order_id) AS n FROM latest) GROUP BY campaign_id)
      SELECT c.campaign_id, c.name, try_cast(c.cost AS DOUBLE) AS cost, coalesce(a.revenue, 0) AS revenue
      FROM ${csv('marketing/campaigns.csv')} c LEFT JOIN credited a USING (campaign_id)`);
    const roi = rows.map((r) => ({
      name: String(r['name']),
      roi: (Number(r['revenue']) - Number(r['cost'])) / Number(r['cost']),
    }));
    expect(roi.length).toBeGreaterThan(20);
    for (const r of roi) expect(r.roi, r.name).toBeLessThan(50);
    // Most campaigns pay back between half their cost and twenty times it; a few lose money.
    const typical = roi.filter((r) => r.roi >= 0.5 && r.roi <= 25).length;
    expect(typical / roi.length).toBeGreaterThan(0.7);
    expect(roi.filter((r) => r.roi < 0).length).toBeLessThan(roi.length / 4);
  });
});
