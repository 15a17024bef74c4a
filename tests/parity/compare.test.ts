import { describe, expect, it } from 'vitest';
import { differences, sameValue } from './compare';

// The parity rules, checked on hand-made answers: what must pass and what must not.
describe('parity comparison', () => {
  it('numbers agree to 1e-9 relative, not beyond', () => {
    expect(sameValue(1_000_000, 1_000_000.0000001)).toBe(true);
    expect(sameValue(1_000_000, 1_000_000.01)).toBe(false);
    expect(sameValue('12345678901234567890', '12345678901234567890')).toBe(true);
    expect(sameValue(3, '3')).toBe(true);
    expect(sameValue(0, null)).toBe(false);
  });

  it('timestamps compare as instants: a date is its midnight, milliseconds count', () => {
    expect(sameValue('2024-01-01', '2024-01-01T00:00:00.000')).toBe(true);
    expect(sameValue('2024-01-01 10:00:00', '2024-01-01T10:00:00.000')).toBe(true);
    expect(sameValue('2024-01-01T10:00:00.001', '2024-01-01T10:00:00.000')).toBe(false);
    expect(sameValue('North', 'north')).toBe(false);
  });

  it('finds a different column set, a missing row and a changed value', () => {
    expect(differences([{ a: 1 }], [{ b: 1 }], [])).toHaveLength(1);
    expect(differences([{ a: 1 }, { a: 2 }], [{ a: 1 }], [])).toEqual(['rows: DuckDB 2, ClickHouse 1']);
    expect(differences([{ a: 'x', n: 1 }], [{ a: 'x', n: 2 }], [])).toHaveLength(1);
  });

  it('rows in another order differ only where the query orders by the column that differs', () => {
    const duck = [
      { k: 'a', n: 2 },
      { k: 'b', n: 1 },
    ];
    const other = [duck[1]!, duck[0]!];
    expect(differences(duck, other, [])).toEqual([]);
    expect(differences(duck, other, ['n']).length).toBeGreaterThan(0);
    // Ties of the ordered column may come in either order.
    const tied = [
      { k: 'a', n: 1 },
      { k: 'b', n: 1 },
    ];
    expect(differences(tied, [tied[1]!, tied[0]!], ['n'])).toEqual([]);
  });
});
