import { describe, expect, it } from 'vitest';
import { uncovered } from '../../src/dashboards/kpi';
import { comparisonPlan } from '../../src/query/comparison';
import { formatWindow } from '../../src/util/periods';

/** The moment the demo's files were exported: the data ends on May 14, 2026. */
const NOW = new Date('2026-05-15T00:00:00Z');

const days = (from: string, to: string) => ({ from: `${from}T00:00:00.000`, to: `${to}T23:59:59.999` });

function windows(range: string | [string, string], now = NOW, tz = 'UTC') {
  const plan = comparisonPlan(range, tz, now);
  return {
    current: { from: plan.current.from, to: plan.current.to },
    toDate: plan.toDate,
    ...Object.fromEntries(plan.comparisons.map((c) => [c.kind, { from: c.window.from, to: c.window.to }])),
  };
}

describe('comparison windows: a period to date against the same elapsed span', () => {
  it('this year: Jan 1 – May 14, 2026 against Jan 1 – May 14, 2025 (the previous period is that year)', () => {
    expect(windows('this year')).toEqual({
      current: days('2026-01-01', '2026-05-14'),
      toDate: true,
      previous_year: days('2025-01-01', '2025-05-14'),
    });
  });

  it('this month: May 1–14 against April 1–14 and May 1–14 a year earlier', () => {
    expect(windows('this month')).toEqual({
      current: days('2026-05-01', '2026-05-14'),
      toDate: true,
      previous_period: days('2026-04-01', '2026-04-14'),
      previous_year: days('2025-05-01', '2025-05-14'),
    });
  });

  it('this quarter: Apr 1 – May 14 against Jan 1 – Feb 14', () => {
    expect(windows('this quarter')).toMatchObject({
      current: days('2026-04-01', '2026-05-14'),
      previous_period: days('2026-01-01', '2026-02-14'),
      previous_year: days('2025-04-01', '2025-05-14'),
    });
  });

  it('this week on a Thursday at noon: Monday to now against the same hours a week earlier', () => {
    const thursday = new Date('2026-05-14T12:00:00Z');
    expect(windows('this week', thursday)).toMatchObject({
      current: { from: '2026-05-11T00:00:00.000', to: '2026-05-14T11:59:59.999' },
      toDate: true,
      previous_period: { from: '2026-05-04T00:00:00.000', to: '2026-05-07T11:59:59.999' },
    });
  });

  it('complete periods stay whole: last month against the month before and a year earlier', () => {
    expect(windows('last month')).toEqual({
      current: days('2026-04-01', '2026-04-30'),
      toDate: false,
      previous_period: days('2026-03-01', '2026-03-31'),
      previous_year: days('2025-04-01', '2025-04-30'),
    });
  });

  it('last 12 months: the previous 12 months are the year before, compared once', () => {
    expect(windows('last 12 months')).toEqual({
      current: days('2025-05-01', '2026-04-30'),
      toDate: false,
      previous_year: days('2024-05-01', '2025-04-30'),
    });
  });

  it('a custom range holding now is cut at now; one in the past is not', () => {
    // Whole months step back by months; other ranges by their length (21 days here).
    expect(windows(['2026-05-01', '2026-05-31'])).toMatchObject({
      current: days('2026-05-01', '2026-05-14'),
      toDate: true,
      previous_period: days('2026-04-01', '2026-04-14'),
    });
    expect(windows(['2026-05-04', '2026-05-24'])).toMatchObject({
      current: days('2026-05-04', '2026-05-14'),
      toDate: true,
      previous_period: days('2026-04-13', '2026-04-23'),
    });
    expect(windows(['2025-03-01', '2025-03-10'])).toMatchObject({
      current: days('2025-03-01', '2025-03-10'),
      toDate: false,
      previous_period: days('2025-02-19', '2025-02-28'),
    });
  });

  it('reads now in the query zone: 23:30 UTC on May 14 is already May 15 in Berlin', () => {
    const late = new Date('2026-05-14T23:30:00Z');
    expect(windows('this month', late, 'Europe/Berlin').current).toEqual({
      from: '2026-05-01T00:00:00.000',
      to: '2026-05-15T01:29:59.999',
    });
  });
});

describe('coverage: a window the loaded data does not hold is named with the reason', () => {
  const coverage = { from: '2024-01-01T08:13:00.000', to: '2026-05-14T23:41:00.000' };
  it('accepts windows inside the data, with a day of grace at each end', () => {
    expect(uncovered(days('2024-01-01', '2026-05-14'), coverage)).toBeUndefined();
    // Read at 10:30 on May 15, before that day's load: the data still covers "this month".
    expect(
      uncovered({ from: '2026-05-01T00:00:00.000', to: '2026-05-15T10:29:59.999' }, coverage),
    ).toBeUndefined();
    expect(uncovered(days('2023-12-31', '2026-05-15'), coverage)).toBeUndefined();
    expect(uncovered(days('2023-12-30', '2026-05-14'), coverage)).toBe('no data before Jan 1, 2024');
    expect(uncovered(days('2026-05-01', '2026-05-16'), coverage)).toBe('no data after May 14, 2026');
  });
  it('says where the data starts or ends', () => {
    expect(uncovered(days('2022-05-01', '2024-04-30'), coverage)).toBe('no data before Jan 1, 2024');
    expect(uncovered(days('2026-01-01', '2026-12-07'), coverage)).toBe('no data after May 14, 2026');
    expect(uncovered(days('2026-01-01', '2026-01-31'), { from: null, to: null })).toBe('no data is loaded');
  });
});

describe('windows read for people, in one format', () => {
  it.each([
    ['2025-01-01', '2025-12-31', '2025'],
    ['2025-07-01', '2025-09-30', 'Q3 2025'],
    ['2026-04-01', '2026-04-30', 'Apr 2026'],
    ['2025-05-01', '2026-04-30', 'May 2025 – Apr 2026'],
    ['2025-02-01', '2025-04-30', 'Feb – Apr 2025'],
    ['2026-05-01', '2026-05-14', 'May 1–14, 2026'],
    ['2026-01-01', '2026-05-14', 'Jan 1 – May 14, 2026'],
    ['2025-12-20', '2026-01-05', 'Dec 20, 2025 – Jan 5, 2026'],
    ['2026-05-14', '2026-05-14', 'May 14, 2026'],
  ])('%s to %s reads "%s"', (from, to, text) => {
    const w = days(from, to);
    expect(formatWindow(w.from, w.to)).toBe(text);
  });
});
