import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { loadModel } from '../../src/model/load';
import { resolveQuery } from '../../src/query/resolve';
import { CubeQuerySchema } from '../../src/query/schema';

/**
 * Queries the fuzzer found answering 502 (the engine refused the SQL they compiled to): each
 * is now refused before any SQL is written, with a code and a reason.
 */
const model = loadModel(join(import.meta.dirname, '..', '..', 'cubes'));
const outcome = (q: unknown) => {
  try {
    resolveQuery(model, CubeQuerySchema.parse(q), { now: new Date('2026-07-01T00:00:00Z') });
    return 'resolved';
  } catch (e) {
    return e instanceof AppError ? `${e.code}: ${e.message}` : String(e);
  }
};

describe('queries found by fuzzing', () => {
  it('refuses a query that selects nothing (a filter or a date range alone)', () => {
    const message =
      'INVALID_QUERY: a query asks for at least one measure, dimension or time dimension with a granularity';
    expect(outcome({ timeDimensions: [{ dimension: 'interactions.occurred_at', dateRange: 'today' }] })).toBe(
      message,
    );
    expect(outcome({ filters: [{ member: 'orders.currency', operator: 'equals', values: ['EUR'] }] })).toBe(
      message,
    );
    expect(outcome({ timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }] })).toBe(
      'resolved',
    );
  });

  it('refuses a calculated measure in an ungrouped query', () => {
    expect(
      outcome({
        measures: ['orders.average_order_value'],
        dimensions: ['orders.order_id'],
        ungrouped: true,
      }),
    ).toBe(
      'INVALID_QUERY: orders.average_order_value is calculated from aggregates; an ungrouped query cannot show it per row',
    );
    expect(outcome({ measures: ['orders.revenue'], dimensions: ['orders.order_id'], ungrouped: true })).toBe(
      'resolved',
    );
  });

  it('resolves a rollup over a time bucket outside UTC (grouping sets name the select list’s aliases)', () => {
    const q = {
      measures: ['orders.revenue'],
      timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }],
      rollup: true,
    };
    expect(outcome({ ...q, timezone: 'Europe/Paris' })).toBe('resolved');
    expect(outcome(q)).toBe('resolved');
  });

  it('refuses a numeric filter value beyond the exact integers', () => {
    const filter = (value: unknown) => ({
      measures: ['orders.count'],
      filters: [{ member: 'orders.count', operator: 'gt', values: [value] }],
    });
    expect(outcome(filter('9223372036854775808'))).toMatch(
      /^INVALID_QUERY: .*"9223372036854775808" is beyond the ±2\^53 integers a filter compares exactly/,
    );
    expect(outcome(filter(1e308))).toMatch(/is beyond the ±2\^53 integers/);
    expect(outcome(filter(2 ** 53 - 1))).toBe('resolved');
    // Every double beyond 2^53 is an integer to JavaScript, so 1.5e300 is refused too.
    expect(outcome(filter(1.5e300))).toMatch(/is beyond the ±2\^53 integers/);
    expect(outcome(filter(12.5))).toBe('resolved');
  });
});
