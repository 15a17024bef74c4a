import { describe, expect, it } from 'vitest';
import { cubeSubquery, parseQuery, prepareCubeQuery } from '../../src/cube';
import { isAppError } from '../../src/errors';
import { restrictModel } from '../../src/model/access/restrict';
import { modelFromTexts } from '../../src/model/load';
import { render } from '../../src/sql';
import type { Dialect } from '../../src/sql/dialect';
import { duckdbDialect } from '../../src/sql/dialects/duckdb';

// The front door (src/cube/front-door.ts) on a two-cube model, no database: what SQL a cube query
// becomes under the scope's clock, limits, row rules and row policy, in the dialect it is given.

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
      - { name: ordered_at, sql: ordered_at, type: time }
    measures:
      - { name: count, type: count }
`;
const CUSTOMERS = `cubes:
  - name: customers
    sql_table: dim_customer
    dimensions:
      - { name: customer_key, sql: customer_key, type: number, primary_key: true }
      - { name: region, sql: region, type: string }
    measures:
      - { name: count, type: count }
`;

const model = modelFromTexts({ 'orders.yml': ORDERS, 'customers.yml': CUSTOMERS });
const JULY = new Date('2026-07-01T10:00:00Z');
const scope = { model, now: () => JULY };

/** A dialect that differs from DuckDB's in how it quotes: what the front door writes shows which it used. */
const backticks: Dialect = { ...duckdbDialect, name: 'backticks', quoteIdentifier: (n) => `\`${n}\`` };

const ORDERED = {
  measures: ['orders.count'],
  dimensions: ['orders.status'],
  order: [['orders.count', 'desc']],
  limit: 5,
};

describe('the cube front door', () => {
  it('renders with the dialect of the engine it is given, and with no other', () => {
    const duck = prepareCubeQuery(ORDERED, scope, duckdbDialect).parts[0]!.sql.text;
    const other = prepareCubeQuery(ORDERED, scope, backticks).parts[0]!.sql.text;
    expect(duck).toContain('"orders.count"');
    expect(other).toContain('`orders.count`');
    expect(other).not.toContain('"orders.count"');
  });

  it('keeps the order and limit asked for, and drops both (and the offset) for rows: all', () => {
    const asked = render(
      cubeSubquery(scope, parseQuery({ ...ORDERED, offset: 10 }), { rows: 'as-asked' }),
      duckdbDialect,
    );
    expect(asked.text).toMatch(/ORDER BY/);
    expect(asked.text).toMatch(/LIMIT/);
    expect(asked.text).toMatch(/OFFSET/);
    const all = render(
      cubeSubquery(scope, parseQuery({ ...ORDERED, offset: 10 }), { rows: 'all' }),
      duckdbDialect,
    );
    expect(all.text).not.toMatch(/ORDER BY|LIMIT|OFFSET/);
    // Otherwise the same query: the same grouping, the same count.
    expect(all.text).toMatch(/GROUP BY/);
    expect(all.text).toContain('count(*)');
  });

  it('applies the scope limits: the default limit when none is asked, and refuses one above the maximum', () => {
    const q = { measures: ['orders.count'] };
    expect(prepareCubeQuery(q, { ...scope, defaultLimit: 7 }, duckdbDialect).parts[0]!.logical.limit).toBe(7);
    expect(prepareCubeQuery(q, scope, duckdbDialect).parts[0]!.logical.limit).toBe(10_000);
    let refused: unknown;
    try {
      prepareCubeQuery({ ...q, limit: 101 }, { ...scope, maxLimit: 100 }, duckdbDialect);
    } catch (e) {
      refused = e;
    }
    expect(isAppError(refused) && refused.code).toBe('INVALID_QUERY');
    // A subquery of every row is not capped: it is a relation, not an answer.
    expect(() => cubeSubquery({ ...scope, maxLimit: 100 }, parseQuery(q), { rows: 'all' })).not.toThrow();
  });

  it("reads the scope's clock, not the machine's, for relative ranges", () => {
    const today = {
      measures: ['orders.count'],
      timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: 'today' }],
    };
    const july = prepareCubeQuery(today, scope, duckdbDialect).parts[0]!.sql.params.map(String);
    const earlier = prepareCubeQuery(
      today,
      { model, now: () => new Date('2020-01-15T08:00:00Z') },
      duckdbDialect,
    ).parts[0]!.sql.params.map(String);
    // "today" is the UTC day of the clock: from its midnight to the next.
    expect(july.some((p) => p.startsWith('2026-07-01'))).toBe(true);
    expect(july.some((p) => p.startsWith('2026-07-02'))).toBe(true);
    expect(earlier.some((p) => p.startsWith('2020-01-15'))).toBe(true);
    expect(earlier.some((p) => p.startsWith('2026'))).toBe(false);
  });

  it("carries the user's row rules into queries and subqueries alike", () => {
    const eu = restrictModel(model, { name: 'u', role: 'analyst', attributes: { region: 'EU' } });
    const q = { measures: ['orders.count'] };
    const free = prepareCubeQuery(q, scope, duckdbDialect).parts[0]!.sql;
    const prepared = prepareCubeQuery(q, { model: eu, now: scope.now }, duckdbDialect).parts[0]!.sql;
    const sub = render(
      cubeSubquery({ model: eu, now: scope.now }, parseQuery(q), { rows: 'all' }),
      duckdbDialect,
    );
    expect(free.params).not.toContain('EU');
    expect(prepared.params).toContain('EU');
    expect(sub.params).toContain('EU');
    expect(prepared.text).toContain('dim_customer');
    expect(sub.text).toContain('dim_customer');
  });

  it('splits compared ranges and blended lists into parts, one clock for all', () => {
    const compared = prepareCubeQuery(
      {
        measures: ['orders.count'],
        timeDimensions: [
          {
            dimension: 'orders.ordered_at',
            compareDateRange: [
              ['2026-01-01', '2026-01-31'],
              ['2025-01-01', '2025-01-31'],
            ],
          },
        ],
      },
      scope,
      duckdbDialect,
    );
    expect(compared.queryType).toBe('compareDateRangeQuery');
    expect(compared.parts.map((p) => p.compareDateRange?.slice(0, 10))).toEqual(['2026-01-01', '2025-01-01']);
    const blended = prepareCubeQuery(
      [{ measures: ['orders.count'] }, { measures: ['customers.count'] }],
      scope,
      duckdbDialect,
    );
    expect(blended.queryType).toBe('blendingQuery');
    expect(blended.parts.map((p) => p.sql.text.includes('fact_order_lines'))).toEqual([true, false]);
    let empty: unknown;
    try {
      prepareCubeQuery([], scope, duckdbDialect);
    } catch (e) {
      empty = e;
    }
    expect(isAppError(empty) && empty.code).toBe('VALIDATION_FAILED');
  });
});
