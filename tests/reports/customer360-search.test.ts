import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { Customer360, SearchParamsSchema } from '../../src/reports/customer360';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse, one } from '../helpers/warehouse';

interface Person {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  /** Completed revenue, on one order. */
  revenue?: number;
  current?: boolean;
  placeholder?: boolean;
}

/**
 * A hand-made customer base: every expectation below is worked out from this list by hand.
 * Y1's name and Y2's e-mail contain "x77"; Y3 matches nothing; OLD is a superseded version.
 */
const PEOPLE: Person[] = [
  { id: 'X77', name: 'Exact Match', revenue: 5 },
  { id: 'X770', name: 'Prefix Low', revenue: 10 },
  { id: 'X771', name: 'Prefix High', revenue: 50 },
  { id: 'Y1', name: 'Mr x77 Fan', revenue: 1000 },
  { id: 'Y2', name: 'Someone', email: 'X77@example.com', revenue: 500 },
  { id: 'Y3', name: 'Nobody', email: 'nobody@example.com', revenue: 2000 },
  { id: 'P1', name: 'Phone One', phone: '555-0101' },
  { id: 'P2', name: 'Phone Two', phone: '+1 555 0102' },
  { id: 'P3', name: 'Phone Three', phone: '+49 177 9124822' },
  { id: 'H1', name: '100% Pure_Co', email: 'sales@pure.example' },
  { id: 'H2', name: "Dara O'Brien", email: 'dara@obrien.example' },
  { id: 'Y3', name: 'Oldname', current: false },
  { id: 'C900001', placeholder: true, revenue: 42 },
];

async function seed(engine: Engine): Promise<void> {
  let key = 0;
  for (const p of PEOPLE) {
    key++;
    const current = p.current ?? true;
    await engine.exec({
      text: `INSERT INTO dim_customer (customer_key, customer_id, name, email, phone, type, country, city,
               valid_from, valid_to, is_current, is_placeholder, row_hash, run_id)
             VALUES ($1, $2, $3, $4, $5, 'b2c', 'Germany', 'Berlin', $6::TIMESTAMP, $7::TIMESTAMP, $8, $9, 0, 1)`,
      params: [
        key,
        p.id,
        p.name ?? null,
        p.email ?? null,
        p.phone ?? null,
        current ? '2020-01-01' : '1900-01-01',
        current ? '9999-12-31' : '2020-01-01',
        current,
        p.placeholder ?? false,
      ],
    });
    if (!p.revenue || !current) continue;
    // One completed line with the revenue, and a cancelled line that must not count.
    for (const [line, status, revenue] of [
      [1, 'completed', p.revenue],
      [2, 'cancelled', 9999],
    ] as const) {
      await engine.exec({
        text: `INSERT INTO fact_order_lines (order_id, line_no, ordered_at, date_key, customer_id, customer_key,
                 quantity, unit_price, discount, revenue, status, row_hash, run_id)
               VALUES ($1, $2, TIMESTAMP '2026-03-0${line} 10:00:00', 2026030${line}, $3, $4, 1, $5, 0, $5, $6, 0, 1)`,
        params: [`SO-${p.id}`, line, p.id, key, revenue, status],
      });
    }
  }
}

describe('customer search on a hand-made base', () => {
  let engine: Engine;
  let customers: Customer360;
  const search = async (text: string, limit?: number) =>
    (await customers.search(SearchParamsSchema.parse({ search: text, limit }))).data;
  const ids = async (text: string) => (await search(text)).map((h) => h.customer_id);

  beforeAll(async () => {
    engine = await memoryWarehouse();
    await seed(engine);
    customers = new Customer360(reportContext(engine), { version: async () => 1 });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('ranks the exact id first, then id prefixes, then name and e-mail matches, each by revenue', async () => {
    const hits = await search('x77');
    expect(hits.map((h) => [h.customer_id, h.matched_on, h.revenue])).toEqual([
      ['X77', 'id', 5],
      ['X771', 'id_prefix', 50],
      ['X770', 'id_prefix', 10],
      ['Y1', 'name', 1000],
      ['Y2', 'email', 500],
    ]);
    expect(hits[0]).toMatchObject({
      orders: 1,
      last_order_at: '2026-03-01T10:00:00.000',
      placeholder: false,
    });
    expect(await ids('X77')).toEqual(await ids('  x77 '));
    const page = await customers.search(SearchParamsSchema.parse({ search: 'x77', limit: 2 }));
    expect(page.data.map((h) => h.customer_id)).toEqual(['X77', 'X771']);
    expect(page.total).toBe(5);
  });

  it('searches current versions only', async () => {
    expect(await ids('Oldname')).toEqual([]);
    expect(await ids('nobody')).toEqual(['Y3']);
  });

  it('matches phone numbers on their digits, in any notation', async () => {
    expect(await ids('+1 (555) 0101')).toEqual(['P1']);
    expect(await ids('555 0101')).toEqual(['P1']);
    expect(await ids('0101')).toEqual(['P1']);
    expect(await ids('+1-555-0102')).toEqual(['P2']);
    expect(await ids('0177 912 48 22')).toEqual(['P3']);
    expect(await ids('0049 177 9124822')).toEqual(['P3']);
    // Too few digits to mean a phone number: no phone matches at all.
    expect(await ids('555')).toEqual([]);
    expect((await search('(555) 0101'))[0]?.matched_on).toBe('phone');
  });

  it('finds a placeholder customer by its id and marks it', async () => {
    expect(await search('c900001')).toEqual([
      {
        customer_id: 'C900001',
        name: null,
        email: null,
        phone: null,
        type: 'b2c',
        country: 'Germany',
        city: 'Berlin',
        revenue: 42,
        orders: 1,
        last_order_at: '2026-03-01T10:00:00.000',
        placeholder: true,
        matched_on: 'id',
      },
    ]);
  });

  it('treats the search as text: quotes, %, _ and SQL are matched literally', async () => {
    expect(await ids('%')).toEqual(['H1']);
    expect(await ids('_')).toEqual(['H1']);
    expect(await ids('0% P')).toEqual(['H1']);
    expect(await ids('O%Brien')).toEqual([]);
    expect(await ids('O_Brien')).toEqual([]);
    expect(await ids("O'Brien")).toEqual(['H2']);
    const before = await one(engine, 'SELECT count(*) AS n FROM dim_customer');
    expect(await ids("'; DROP TABLE dim_customer; --")).toEqual([]);
    expect(await ids('" OR 1=1 --')).toEqual([]);
    expect(await one(engine, 'SELECT count(*) AS n FROM dim_customer')).toEqual(before);
  });

  it('rejects an empty search and a limit out of range', () => {
    for (const bad of [{ search: '   ' }, { search: 'a', limit: 0 }, { search: 'a', limit: 201 }, {}]) {
      expect(SearchParamsSchema.safeParse(bad).success).toBe(false);
    }
  });
});
