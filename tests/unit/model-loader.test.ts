import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { loadModel, modelFromTexts } from '../../src/model/load';

function problems(files: Record<string, string>) {
  try {
    modelFromTexts(files);
  } catch (e) {
    if (e instanceof ConfigError)
      return e.problems.map((p) => ({ file: p.file, line: p.line, field: p.field, message: p.message }));
    throw e;
  }
  return [];
}

const ORDERS = `cubes:
  - name: orders
    sql_table: fact_order_lines
    joins:
      - { name: customers, relationship: many_to_one, sql: "{CUBE}.customer_key = {customers}.customer_key" }
    dimensions:
      - { name: status, sql: status, type: string }
      - { name: region, sql: "{customers.region}", type: string }
    measures:
      - { name: count, type: count }
      - { name: revenue, type: sum, sql: revenue }
      - { name: aov, type: number, sql: "{revenue} / NULLIF({count}, 0)" }
`;
const CUSTOMERS = `cubes:
  - name: customers
    sql_table: dim_customer
    dimensions:
      - { name: customer_key, sql: customer_key, type: number, primary_key: true }
      - { name: region, sql: region, type: string }
      - { name: country, sql: country, type: string }
    hierarchies:
      - { name: geo, levels: [region, country] }
`;

describe('the cube model loader', () => {
  it('loads the shipped model with every member clients rely on', () => {
    const model = loadModel(join(import.meta.dirname, '..', '..', 'cubes'));
    const required = [
      'orders.count',
      'orders.order_count',
      'orders.revenue',
      'orders.quantity',
      'orders.average_order_value',
      'orders.customer_count',
      'orders.status',
      'orders.ordered_at',
      'orders.country',
      'orders.channel',
      'customers.customer_id',
      'customers.country',
      'customers.region',
      'customers.type',
      'customers.industry',
      'products.category',
      'products.sku',
      'campaigns.name',
    ];
    const missing = required.filter((name) => {
      const [c, m] = name.split('.');
      const cube = model.cubes.get(c!);
      return !cube?.measures.has(m!) && !cube?.dimensions.has(m!);
    });
    expect(missing).toEqual([]);
    for (const c of [
      'orders',
      'customers',
      'products',
      'interactions',
      'campaigns',
      'campaign_responses',
      'web_events',
      'deals',
      'tickets',
      'employees',
    ]) {
      expect(model.cubes.has(c)).toBe(true);
    }
    expect(model.cubes.get('orders')!.dimensions.get('ordered_at')!.type).toBe('time');
  });

  it('resolves references across files and reads a bare name as a column', () => {
    const model = modelFromTexts({ 'orders.yml': ORDERS, 'customers.yml': CUSTOMERS });
    expect(model.cubes.get('orders')!.measures.get('revenue')!.sql!.parts).toEqual([
      { kind: 'column', name: 'revenue' },
    ]);
    expect(model.cubes.get('orders')!.joins[0]!.sql.parts).toContainEqual({
      kind: 'cube',
      cube: 'customers',
    });
    expect(model.edges.get('orders')!.map((e) => e.to)).toEqual(['customers']);
  });

  it('reports every problem of every file with file, line and member', () => {
    const got = problems({
      'a.yml': `cubes:
  - name: orders
    sql_table: fact_order_lines
    dimensions:
      - { name: status, sql: status, type: string }
      - { name: status, sql: status2, type: string }
      - { name: BadName, sql: x, type: string }
      - { name: x, sql: "{nope}", type: string }
    measures:
      - { name: total, type: sum }
      - { name: loop_a, type: number, sql: "{loop_b} + 1" }
      - { name: loop_b, type: number, sql: "{loop_a} * 2" }
      - { name: ratio, type: number, sql: "{status} / 2" }
`,
    });
    expect(got).toEqual(
      expect.arrayContaining([
        {
          file: 'a.yml',
          line: 7,
          field: 'cubes.0.dimensions.2.name',
          message: expect.stringContaining('lower-case letters'),
        },
      ]),
    );
    const valid = problems({
      'a.yml': `cubes:
  - name: orders
    sql_table: fact_order_lines
    dimensions:
      - { name: status, sql: status, type: string }
      - { name: status, sql: status2, type: string }
      - { name: x, sql: "{nope}", type: string }
    measures:
      - { name: total, type: sum }
      - { name: loop_a, type: number, sql: "{loop_b} + 1" }
      - { name: loop_b, type: number, sql: "{loop_a} * 2" }
      - { name: ratio, type: number, sql: "{status} / 2" }
`,
    });
    expect(valid).toEqual(
      expect.arrayContaining([
        { file: 'a.yml', line: 6, field: 'orders.status', message: 'member "status" is declared twice' },
        { file: 'a.yml', line: 9, field: 'orders.total', message: 'a sum measure needs sql' },
        { file: 'a.yml', line: 7, field: 'orders.x', message: 'unknown member {nope}' },
        {
          file: 'a.yml',
          line: 12,
          field: 'orders.ratio',
          message: 'a number measure refers to measures; {orders.status} is a dimension',
        },
        {
          file: 'a.yml',
          line: 10,
          field: 'orders.loop_a',
          message: 'circular reference: orders.loop_a -> orders.loop_b -> orders.loop_a',
        },
      ]),
    );
  });

  it('refuses an ambiguous join graph and a reference with no join path', () => {
    const got = problems({
      'x.yml': `cubes:
  - name: a
    sql_table: a
    joins:
      - { name: b, relationship: many_to_one, sql: "{CUBE}.b = {b}.id" }
      - { name: c, relationship: many_to_one, sql: "{CUBE}.c = {c}.id" }
    dimensions:
      - { name: id, sql: id, type: number }
      - { name: lonely, sql: "{d.id}", type: number }
  - name: b
    sql_table: b
    joins:
      - { name: c, relationship: many_to_one, sql: "{CUBE}.c = {c}.id" }
    dimensions: [{ name: id, sql: id, type: number }]
  - name: c
    sql_table: c
    dimensions: [{ name: id, sql: id, type: number }]
  - name: d
    sql_table: d
    dimensions: [{ name: id, sql: id, type: number }]
`,
    });
    expect(got).toEqual(
      expect.arrayContaining([
        { file: 'x.yml', line: 9, field: 'a.lonely', message: '{d.id}: no join path from a to d' },
        expect.objectContaining({
          field: 'a join',
          message: expect.stringContaining('the join graph is ambiguous: a reaches c by'),
        }),
      ]),
    );
  });

  it('checks hierarchies and the cube source', () => {
    const got = problems({
      'h.yml': `cubes:
  - name: a
    sql_table: a
    sql: SELECT 1
    dimensions: [{ name: t, sql: t, type: time }]
    hierarchies: [{ name: h, levels: [t, nope] }]
`,
    });
    expect(got.map((p) => p.message)).toEqual(
      expect.arrayContaining(['a cube needs exactly one of sql_table and sql']),
    );
    const levels = problems({
      'h.yml': `cubes:
  - name: a
    sql_table: a
    dimensions: [{ name: t, sql: t, type: time }]
    hierarchies: [{ name: h, levels: [t, nope] }]
`,
    });
    expect(levels.map((p) => p.message)).toEqual([
      'hierarchy level a.t is a time dimension; time drills by granularity',
      'hierarchy level a.nope is not a dimension',
    ]);
  });
});
