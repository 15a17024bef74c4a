import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { restrictModel } from '../../src/model/access/restrict';
import type { SecurityContext } from '../../src/model/access/types';
import { modelFromTexts } from '../../src/model/load';
import { modelMeta } from '../../src/model/meta';
import { resolveQuery } from '../../src/query/resolve';
import { CubeQuerySchema } from '../../src/query/schema';
import { render } from '../../src/sql';
import { compileQuery } from '../../src/sql/compile/query';
import { duckdbDialect } from '../../src/sql/dialects/duckdb';

const ORDERS = `cubes:
  - name: orders
    sql_table: fact_order_lines
    access_policy:
      - role: "*"
        conditions: [{ if: "{ securityContext.region }" }]
        row_level:
          filters: [{ member: customers.region, operator: equals, values: ["{ securityContext.region }"] }]
    joins:
      - { name: customers, relationship: many_to_one, sql: "{CUBE}.customer_key = {customers}.customer_key" }
    dimensions:
      - { name: status, sql: status, type: string }
    measures:
      - { name: count, type: count }
`;
const CUSTOMERS = `cubes:
  - name: customers
    sql_table: dim_customer
    access_policy:
      - role: [analyst, executive]
        member_level: { excludes: [email] }
      - role: executive
        conditions: [{ if: "{ !securityContext.region }" }]
        row_level:
          filters: [{ member: type, operator: notEquals, values: [b2c] }]
    dimensions:
      - { name: customer_key, sql: customer_key, type: number, primary_key: true }
      - { name: region, sql: region, type: string }
      - { name: type, sql: type, type: string }
      - { name: email, sql: email, type: string }
    measures:
      - { name: reachable, type: count_distinct, sql: "{email}" }
    segments:
      - { name: with_email, sql: "{email} IS NOT NULL" }
      - { name: b2b, sql: "{CUBE}.type = 'b2b'" }
    hierarchies:
      - { name: contact, levels: [region, email] }
`;

const model = modelFromTexts({ 'orders.yml': ORDERS, 'customers.yml': CUSTOMERS });
const user = (role: SecurityContext['role'], attributes: Record<string, string> = {}): SecurityContext => ({
  name: 'u',
  role,
  attributes,
});
const sqlOf = (m: typeof model, q: unknown) => {
  const logical = resolveQuery(m, CubeQuerySchema.parse(q), { now: new Date('2026-07-01T00:00:00Z') });
  return render(compileQuery(m, logical), duckdbDialect);
};

function problems(files: Record<string, string>) {
  try {
    modelFromTexts(files);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => ({ file: p.file, line: p.line, message: p.message }));
  }
}

describe('access_policy in cube files', () => {
  it('reports unknown members, unreachable cubes and malformed conditions with file and line', () => {
    const bad = ORDERS.replace('member: customers.region', 'member: customers.nope');
    expect(problems({ 'orders.yml': bad, 'customers.yml': CUSTOMERS })).toEqual([
      { file: 'orders.yml', line: 5, message: 'row filter member customers.nope is not a dimension' },
    ]);
    const unreachable = CUSTOMERS.replace('member: type,', 'member: orders.status,');
    expect(problems({ 'orders.yml': ORDERS, 'customers.yml': unreachable })[0]).toMatchObject({
      file: 'customers.yml',
      message: 'customers does not join orders, so it cannot filter by orders.status',
    });
    const excl = CUSTOMERS.replace('excludes: [email]', 'excludes: [mail]');
    expect(problems({ 'orders.yml': ORDERS, 'customers.yml': excl })).toEqual([
      { file: 'customers.yml', line: 5, message: 'access_policy names unknown member customers.mail' },
    ]);
    const cond = ORDERS.replace('{ securityContext.region }" }]', 'region" }]');
    expect(problems({ 'orders.yml': cond, 'customers.yml': CUSTOMERS })[0]?.file).toBe('orders.yml');
  });

  it('rejects model SQL that reads a table with row rules directly; {TABLE cube} reads it under the rules', () => {
    const dimension = (sql: string) =>
      CUSTOMERS.replace(
        '      - { name: email, sql: email, type: string }\n',
        `      - { name: email, sql: email, type: string }\n      - { name: orders_seen, type: number, sql: "${sql}" }\n`,
      );
    const raw = '(SELECT count(*) FROM fact_order_lines o WHERE o.customer_key = {CUBE}.customer_key)';
    expect(problems({ 'orders.yml': ORDERS, 'customers.yml': dimension(raw) })).toEqual([
      {
        file: 'customers.yml',
        line: 16,
        message:
          'reads table fact_order_lines, which has row-level access rules (cube orders); write {TABLE orders} so they apply',
      },
    ]);
    const guarded = raw.replace('fact_order_lines', '{TABLE orders}');
    expect(problems({ 'orders.yml': ORDERS, 'customers.yml': dimension('{TABLE nope}') })).toEqual([
      { file: 'customers.yml', line: 16, message: '{TABLE nope}: unknown cube nope' },
    ]);
    const m = modelFromTexts({ 'orders.yml': ORDERS, 'customers.yml': dimension(guarded) });
    const q = { dimensions: ['customers.region', 'customers.orders_seen'] };
    // An admin reads the table as is; a region user reads only the rows of their region.
    expect(sqlOf(m, q).text).toMatch(/\(SELECT\s+\*\s+FROM "fact_order_lines" AS "orders"\) o WHERE/);
    const eu = sqlOf(restrictModel(m, user('analyst', { region: 'EU' })), q);
    expect(eu.text).toMatch(
      /FROM \(\s*SELECT\s+\*\s+FROM "fact_order_lines" AS "orders"\s+WHERE "orders"\.customer_key IN \(/,
    );
    expect(eu.params).toContain('EU');
  });

  it('leaves an admin without attributes unrestricted: the model itself', () => {
    expect(restrictModel(model, user('admin'))).toBe(model);
    expect(restrictModel(model, user('marketer'))).toBe(model);
  });

  it('filters rows by the user attribute, as a bound parameter, through the join key (IN), never multiplying rows', () => {
    const m = restrictModel(model, user('analyst', { region: "EU'; DROP TABLE x; --" }));
    const r = sqlOf(m, { measures: ['orders.count'] });
    expect(r.params).toContain("EU'; DROP TABLE x; --");
    expect(r.text).not.toContain('DROP');
    expect(r.text).not.toContain('EXISTS');
    expect(r.text).toMatch(
      /FROM "fact_order_lines" AS "orders"\s+WHERE "orders"\.customer_key IN \(\s*SELECT\s+"customers"\.customer_key\s+FROM "dim_customer" AS "customers"\s+WHERE "customers"\."region" IN \(/,
    );
  });

  it('keeps an EXISTS over the join when the join is more than one equality of two columns', () => {
    const twoKeys = ORDERS.replace(
      '"{CUBE}.customer_key = {customers}.customer_key"',
      '"{CUBE}.customer_key = {customers}.customer_key AND {CUBE}.status <> \'void\'"',
    );
    expect(twoKeys).not.toBe(ORDERS);
    const m = restrictModel(
      modelFromTexts({ 'orders.yml': twoKeys, 'customers.yml': CUSTOMERS }),
      user('analyst', { region: 'EU' }),
    );
    const r = sqlOf(m, { measures: ['orders.count'] });
    expect(r.text).toMatch(/FROM "fact_order_lines" AS "orders"\s+WHERE EXISTS/);
    expect(r.params).toContain('EU');
  });

  it('policies restrict together; a condition on a missing attribute switches its policy', () => {
    // An executive without region: the b2c rule applies to customers, the region rule does not.
    const exec = restrictModel(model, user('executive'));
    expect(exec.access?.rows.get('customers')).toEqual([
      { cube: 'customers', dimension: 'type', operator: 'notEquals', values: ['b2c'] },
    ]);
    expect(exec.access?.rows.has('orders')).toBe(false);
    const execEu = restrictModel(model, user('executive', { region: 'EU' }));
    expect(execEu.access?.rows.has('customers')).toBe(false);
    expect(execEu.access?.rows.get('orders')?.[0]?.values).toEqual(['EU']);
  });

  it('hides excluded members from meta (and hierarchies through them) and answers MEMBER_FORBIDDEN for them anywhere in a query', () => {
    const m = restrictModel(model, user('analyst'));
    type CubeEntry = { name: string; dimensions: { name: string }[]; hierarchies: unknown[] };
    const customersOf = (meta: ReturnType<typeof modelMeta>) =>
      (meta.cubes as CubeEntry[]).find((c) => c.name === 'customers')!;
    const dims = (meta: ReturnType<typeof modelMeta>) => customersOf(meta).dimensions.map((d) => d.name);
    expect(dims(modelMeta(model))).toContain('customers.email');
    expect(dims(modelMeta(m))).not.toContain('customers.email');
    expect(customersOf(modelMeta(model)).hierarchies).toHaveLength(1);
    expect(customersOf(modelMeta(m)).hierarchies).toEqual([]);
    const forbidden = expect.objectContaining({ code: 'MEMBER_FORBIDDEN', status: 403 });
    expect(() => sqlOf(m, { dimensions: ['customers.email'] })).toThrow(forbidden);
    expect(() =>
      sqlOf(m, { measures: ['orders.count'], filters: [{ member: 'customers.email', operator: 'set' }] }),
    ).toThrow(forbidden);
    expect(() =>
      sqlOf(m, {
        measures: ['orders.count'],
        filters: [
          {
            or: [
              { member: 'orders.status', operator: 'set' },
              { member: 'customers.email', operator: 'contains', values: ['@'] },
            ],
          },
        ],
      }),
    ).toThrow(forbidden);
    expect(() => sqlOf(m, { measures: ['orders.count'], order: { 'customers.email': 'asc' } })).toThrow();
    // Members whose SQL reads a hidden one are hidden with it; others of the cube are not.
    expect(() => sqlOf(m, { measures: ['orders.count'], segments: ['customers.with_email'] })).toThrow(
      forbidden,
    );
    expect(() => sqlOf(m, { measures: ['customers.reachable'] })).toThrow(forbidden);
    expect(() => sqlOf(m, { measures: ['orders.count'], segments: ['customers.b2b'] })).not.toThrow();
    // The same queries are fine for a marketer.
    expect(() =>
      sqlOf(restrictModel(model, user('marketer')), { dimensions: ['customers.email'] }),
    ).not.toThrow();
  });

  it('a matched filter reading an attribute the user lacks matches no row, whatever its operator', () => {
    const exec = restrictModel(model, user('executive', {}));
    // The executive policy's filter is notEquals with a literal: it applies as written.
    expect(exec.access?.rows.get('customers')?.[0]).toMatchObject({ operator: 'notEquals', values: ['b2c'] });
    const strict = modelFromTexts({
      'orders.yml': ORDERS,
      'customers.yml': CUSTOMERS.replace('values: [b2c]', 'values: ["{ securityContext.segment }"]'),
    });
    expect(restrictModel(strict, user('executive', {})).access?.rows.get('customers')).toEqual([
      { cube: 'customers', dimension: 'type', operator: 'equals', values: [] },
    ]);
    const text = sqlOf(restrictModel(strict, user('executive', {})), {
      measures: ['orders.count'],
      dimensions: ['customers.type'],
    }).text;
    expect(text).toMatch(/FROM "dim_customer" AS "customers"\s+WHERE FALSE/);
  });

  it('a restriction key differs between users who see different rows and matches for the same rows', () => {
    const a = restrictModel(model, user('analyst', { region: 'EU' })).access!.key;
    const b = restrictModel(model, user('marketer', { region: 'EU' })).access!.key;
    const c = restrictModel(model, user('analyst', { region: 'US' })).access!.key;
    expect(a).not.toBe(c);
    // Marketers see e-mail, analysts do not: different keys although the rows are the same.
    expect(a).not.toBe(b);
    expect(restrictModel(model, user('analyst', { region: 'EU' })).access!.key).toBe(a);
  });
});
