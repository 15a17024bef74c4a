import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { loadModel } from '../../src/model/load';
import { resolveQuery } from '../../src/query/resolve';
import { CubeQuerySchema } from '../../src/query/schema';

const model = loadModel(join(import.meta.dirname, '..', '..', 'cubes'));
const resolve = (q: unknown) =>
  resolveQuery(model, CubeQuerySchema.parse(q), { now: new Date('2026-07-01T00:00:00Z') });
const codeOf = (q: unknown) => {
  try {
    resolve(q);
    return 'resolved';
  } catch (e) {
    return e instanceof AppError ? `${e.code}: ${e.message}` : String(e);
  }
};

describe('queries the compiler refuses, with a reason', () => {
  it('refuses to filter aggregates of an ungrouped query', () => {
    expect(
      codeOf({
        measures: ['orders.revenue'],
        dimensions: ['orders.order_id'],
        ungrouped: true,
        filters: [{ member: 'orders.revenue', operator: 'gt', values: [0] }],
      }),
    ).toBe('INVALID_QUERY: an ungrouped query has no aggregates to filter; filter its dimensions instead');
  });

  it('refuses rollup when a measure is aggregated over distinct rows or spans facts', () => {
    const message =
      'UNSUPPORTED_FEATURE: rollup works on grouped queries whose measures all come from one fact (the root of the joins)';
    expect(codeOf({ measures: ['campaigns.total_cost'], dimensions: ['orders.status'], rollup: true })).toBe(
      message,
    );
    expect(
      codeOf({
        measures: ['orders.revenue', 'campaigns.total_cost'],
        dimensions: ['orders.status'],
        rollup: true,
      }),
    ).toBe(message);
    expect(
      codeOf({
        measures: ['orders.revenue', 'interactions.count'],
        dimensions: ['customers.region'],
        rollup: true,
      }),
    ).toBe(message);
    expect(codeOf({ measures: ['orders.revenue'], dimensions: ['customers.region'], rollup: true })).toBe(
      'resolved',
    );
  });

  it('refuses an ungrouped query over several facts', () => {
    expect(
      codeOf({
        measures: ['orders.revenue', 'interactions.count'],
        dimensions: ['customers.region'],
        ungrouped: true,
      }),
    ).toMatch(/^INVALID_QUERY: an ungrouped query reads rows of one cube/);
  });

  it('refuses a filter group that mixes measures and dimensions', () => {
    expect(
      codeOf({
        measures: ['orders.revenue'],
        filters: [
          {
            or: [
              { member: 'orders.revenue', operator: 'gt', values: [1] },
              { member: 'orders.status', operator: 'equals', values: ['x'] },
            ],
          },
        ],
      }),
    ).toBe(
      'INVALID_QUERY: a filter group mixes measures and dimensions; filter them in separate top-level filters',
    );
  });

  it('refuses a time dimension that is not of type time and a duplicated member', () => {
    expect(
      codeOf({
        measures: ['orders.count'],
        timeDimensions: [{ dimension: 'orders.status', granularity: 'day' }],
      }),
    ).toBe('INVALID_QUERY: timeDimensions: orders.status is a string dimension, not a time dimension');
    expect(codeOf({ measures: ['orders.count', 'orders.count'] })).toBe(
      'INVALID_QUERY: orders.count is asked for twice',
    );
  });
});
