import { describe, expect, it } from 'vitest';
import {
  DateRangeError,
  isValidTimeZone,
  previousPeriod,
  type ResolvedDateRange,
  resolveDateRange,
  shiftDateRange,
} from '../../src/query/date-range';

/** Monday 2026-11-23 15:04:05 UTC: Tuesday 04:04:05 in Auckland (+13), Monday 07:04:05 in Los Angeles (-8). */
const NOW = new Date('2026-11-23T15:04:05Z');

/** A range written as [from, to]; toExclusive is always to + 1 ms, spelled out below where it rolls over. */
type Case = readonly [input: string | readonly [string, string], from: string, to: string];

function check(cases: readonly Case[], timeZone: string, now: Date) {
  for (const [input, from, to] of cases) {
    const r = resolveDateRange(input, timeZone, now);
    expect({ input, from: r.from, to: r.to }).toEqual({ input, from, to });
  }
}

const DAY = (d: string): [string, string] => [`${d}T00:00:00.000`, `${d}T23:59:59.999`];
const DAYS = (a: string, b: string): [string, string] => [`${a}T00:00:00.000`, `${b}T23:59:59.999`];

describe('resolveDateRange: this / last / next <unit> (UTC, now = Mon 2026-11-23 15:04:05)', () => {
  it.each<Case>([
    ['this second', '2026-11-23T15:04:05.000', '2026-11-23T15:04:05.999'],
    ['last minute', '2026-11-23T15:03:00.000', '2026-11-23T15:03:59.999'],
    ['next hour', '2026-11-23T16:00:00.000', '2026-11-23T16:59:59.999'],
    ['this day', ...DAY('2026-11-23')],
    ['last day', ...DAY('2026-11-22')],
    ['this week', ...DAYS('2026-11-23', '2026-11-29')],
    ['last week', ...DAYS('2026-11-16', '2026-11-22')],
    ['next week', ...DAYS('2026-11-30', '2026-12-06')],
    ['this month', ...DAYS('2026-11-01', '2026-11-30')],
    ['last month', ...DAYS('2026-10-01', '2026-10-31')],
    ['next month', ...DAYS('2026-12-01', '2026-12-31')],
    ['this quarter', ...DAYS('2026-10-01', '2026-12-31')],
    ['last quarter', ...DAYS('2026-07-01', '2026-09-30')],
    ['next quarter', ...DAYS('2027-01-01', '2027-03-31')],
    ['this year', ...DAYS('2026-01-01', '2026-12-31')],
    ['last year', ...DAYS('2025-01-01', '2025-12-31')],
    ['next year', ...DAYS('2027-01-01', '2027-12-31')],
    ['  This   MONTH ', ...DAYS('2026-11-01', '2026-11-30')],
  ])('%s', (input, from, to) => check([[input, from, to]], 'UTC', NOW));
});

describe('resolveDateRange: last / next N <units> are whole units, excluding the current one', () => {
  it.each<Case>([
    ['last 7 days', ...DAYS('2026-11-16', '2026-11-22')],
    ['last 1 day', ...DAY('2026-11-22')],
    ['Last  7  Days', ...DAYS('2026-11-16', '2026-11-22')],
    ['last 2 weeks', ...DAYS('2026-11-09', '2026-11-22')],
    ['last 12 months', ...DAYS('2025-11-01', '2026-10-31')],
    ['last 1 month', ...DAYS('2026-10-01', '2026-10-31')],
    ['last 2 quarters', ...DAYS('2026-04-01', '2026-09-30')],
    ['last 3 years', ...DAYS('2023-01-01', '2025-12-31')],
    ['last 3 hours', '2026-11-23T12:00:00.000', '2026-11-23T14:59:59.999'],
    ['last 30 minutes', '2026-11-23T14:34:00.000', '2026-11-23T15:03:59.999'],
    ['last 5 seconds', '2026-11-23T15:04:00.000', '2026-11-23T15:04:04.999'],
    ['next 3 days', ...DAYS('2026-11-24', '2026-11-26')],
    ['next 1 week', ...DAYS('2026-11-30', '2026-12-06')],
    ['next 2 months', ...DAYS('2026-12-01', '2027-01-31')],
    ['next 1 year', ...DAYS('2027-01-01', '2027-12-31')],
    ['next 10 seconds', '2026-11-23T15:04:06.000', '2026-11-23T15:04:15.999'],
  ])('%s', (input, from, to) => check([[input, from, to]], 'UTC', NOW));
});

describe('resolveDateRange: today, single dates, months and years', () => {
  it.each<Case>([
    ['today', ...DAY('2026-11-23')],
    ['Yesterday', ...DAY('2026-11-22')],
    ['tomorrow', ...DAY('2026-11-24')],
    ['now', ...DAY('2026-11-23')],
    ['3 days ago', ...DAY('2026-11-20')],
    ['in 2 hours', '2026-11-23T17:00:00.000', '2026-11-23T17:59:59.999'],
    ['2024-03-05', ...DAY('2024-03-05')],
    ['2024-02', ...DAYS('2024-02-01', '2024-02-29')],
    ['2023-02', ...DAYS('2023-02-01', '2023-02-28')],
    ['2024', ...DAYS('2024-01-01', '2024-12-31')],
    // A single timestamp is that instant, as the end of a pair is.
    ['2024-03-05T10:30:00', '2024-03-05T10:30:00.000', '2024-03-05T10:30:00.000'],
    ['2024-03-05 10:30:00.123456', '2024-03-05T10:30:00.123', '2024-03-05T10:30:00.123'],
  ])('%s', (input, from, to) => check([[input, from, to]], 'UTC', NOW));
});

describe('resolveDateRange: from X to Y', () => {
  it.each<Case>([
    ['from 7 days ago to now', ...DAYS('2026-11-16', '2026-11-23')],
    ['from 2024-01-05 to 2024-01-10', ...DAYS('2024-01-05', '2024-01-10')],
    ['FROM  2024-01-05   TO 2024-01-10 ', ...DAYS('2024-01-05', '2024-01-10')],
    ['from yesterday to tomorrow', ...DAYS('2026-11-22', '2026-11-24')],
    ['from today to in 2 weeks', ...DAYS('2026-11-23', '2026-12-07')],
    ['from 1 month ago to today', ...DAYS('2026-10-23', '2026-11-23')],
    ['from 2 years ago to 3 quarters from now', ...DAYS('2024-11-23', '2027-08-23')],
    // Without second/minute/hour in the text the precision is a day, even for timestamps (Cube).
    ['from 2024-01-05 10:00 to 2024-01-05T18:30:00', ...DAY('2024-01-05')],
    // "hour" anywhere in the text makes the precision an hour.
    ['from 2 hours ago to now', '2026-11-23T13:00:00.000', '2026-11-23T15:59:59.999'],
    ['from 2024-01-05T10:20:00 to 2 hours ago', '2024-01-05T10:00:00.000', '2026-11-23T13:59:59.999'],
    ['from 90 minutes ago to 10 minutes from now', '2026-11-23T13:34:00.000', '2026-11-23T15:14:59.999'],
    ['from 30 seconds ago to now', '2026-11-23T15:03:35.000', '2026-11-23T15:04:05.999'],
    // A bare date is always its whole day; yesterday keeps now's time of day, as chrono reads it.
    ['from 2024-01-05 to 3 hours ago', '2024-01-05T00:00:00.000', '2026-11-23T12:59:59.999'],
    ['from 3 hours ago to 2026-11-24', '2026-11-23T12:00:00.000', '2026-11-24T23:59:59.999'],
    ['from yesterday to 3 hours ago', '2026-11-22T15:00:00.000', '2026-11-23T12:59:59.999'],
  ])('%s', (input, from, to) => check([[input, from, to]], 'UTC', NOW));
});

describe('resolveDateRange: pairs', () => {
  it.each<Case>([
    [['2024-01-01', '2024-03-31'], ...DAYS('2024-01-01', '2024-03-31')],
    [['2024-01-01', '2024-01-01'], ...DAY('2024-01-01')],
    [[' 2024-02-28 ', '2024-02-29'], ...DAYS('2024-02-28', '2024-02-29')],
    [['2024-01-01T08:30:00', '2024-01-02 17:45'], '2024-01-01T08:30:00.000', '2024-01-02T17:45:00.000'],
    [['2024-01-05T10:00', '2024-01-05'], '2024-01-05T10:00:00.000', '2024-01-05T23:59:59.999'],
    [
      ['2024-01-01T00:00:00.5', '2024-01-01T00:00:00.5'],
      '2024-01-01T00:00:00.500',
      '2024-01-01T00:00:00.500',
    ],
  ])('%j', (input, from, to) => check([[input, from, to]], 'UTC', NOW));

  it('a timestamp with an offset is read as that instant, then shown in the query zone', () => {
    const pair = ['2024-01-05T10:00:00Z', '2024-01-05T18:00:00+01:00'] as const;
    check([[pair, '2024-01-05T11:00:00.000', '2024-01-05T18:00:00.000']], 'Europe/Berlin', NOW);
    check([[pair, '2024-01-05T02:00:00.000', '2024-01-05T09:00:00.000']], 'America/Los_Angeles', NOW);
  });

  it('toExclusive is to + 1 ms, rolling over days, months and years', () => {
    expect(resolveDateRange(['2024-01-05T10:00', '2024-01-05T12:00'], 'UTC', NOW).toExclusive).toBe(
      '2024-01-05T12:00:00.001',
    );
    expect(resolveDateRange('last month', 'UTC', NOW).toExclusive).toBe('2026-11-01T00:00:00.000');
    expect(resolveDateRange('2024-02', 'UTC', NOW).toExclusive).toBe('2024-03-01T00:00:00.000');
    expect(resolveDateRange('this year', 'UTC', NOW)).toEqual({
      from: '2026-01-01T00:00:00.000',
      to: '2026-12-31T23:59:59.999',
      toExclusive: '2027-01-01T00:00:00.000',
    });
  });
});

describe('resolveDateRange: the wall clock of the query zone decides the calendar', () => {
  it('Pacific/Auckland is already Tuesday 04:04:05', () =>
    check(
      [
        ['today', ...DAY('2026-11-24')],
        ['yesterday', ...DAY('2026-11-23')],
        ['this week', ...DAYS('2026-11-23', '2026-11-29')],
        ['last 7 days', ...DAYS('2026-11-17', '2026-11-23')],
        ['this hour', '2026-11-24T04:00:00.000', '2026-11-24T04:59:59.999'],
        ['from 2 days ago to now', ...DAYS('2026-11-22', '2026-11-24')],
      ],
      'Pacific/Auckland',
      NOW,
    ));

  it('America/Los_Angeles at 05:00 UTC on Monday is still Sunday 21:00', () =>
    check(
      [
        ['today', ...DAY('2026-11-22')],
        ['this week', ...DAYS('2026-11-16', '2026-11-22')],
        ['last week', ...DAYS('2026-11-09', '2026-11-15')],
        ['last 7 days', ...DAYS('2026-11-15', '2026-11-21')],
        ['this hour', '2026-11-22T21:00:00.000', '2026-11-22T21:59:59.999'],
      ],
      'America/Los_Angeles',
      new Date('2026-11-23T05:00:00Z'),
    ));

  it('New Year: 2027-01-01T02:00Z is 2026 in Los Angeles, 2027 in UTC and Auckland', () => {
    const now = new Date('2027-01-01T02:00:00Z');
    check(
      [
        ['this year', ...DAYS('2026-01-01', '2026-12-31')],
        ['this month', ...DAYS('2026-12-01', '2026-12-31')],
      ],
      'America/Los_Angeles',
      now,
    );
    check(
      [
        ['this year', ...DAYS('2027-01-01', '2027-12-31')],
        ['yesterday', ...DAY('2026-12-31')],
      ],
      'UTC',
      now,
    );
    check(
      [
        ['today', ...DAY('2027-01-01')],
        ['last month', ...DAYS('2026-12-01', '2026-12-31')],
      ],
      'Pacific/Auckland',
      now,
    );
  });

  it('ISO weeks cross the year boundary: 2026-01-01 is the Thursday of the week from Monday 2025-12-29', () =>
    check(
      [
        ['this week', ...DAYS('2025-12-29', '2026-01-04')],
        ['last week', ...DAYS('2025-12-22', '2025-12-28')],
        ['next week', ...DAYS('2026-01-05', '2026-01-11')],
        ['last 2 weeks', ...DAYS('2025-12-15', '2025-12-28')],
      ],
      'UTC',
      new Date('2026-01-01T12:00:00Z'),
    ));
});

describe('resolveDateRange: DST in Europe/Berlin', () => {
  it('the 23-hour 2026-03-29 and the 25-hour 2026-10-25 are whole calendar days', () => {
    // Monday 2026-03-30 12:00 CEST and Monday 2026-10-26 11:00 CET.
    check(
      [
        ['yesterday', ...DAY('2026-03-29')],
        ['last 7 days', ...DAYS('2026-03-23', '2026-03-29')],
        ['last week', ...DAYS('2026-03-23', '2026-03-29')],
        ['from 1 day ago to now', ...DAYS('2026-03-29', '2026-03-30')],
      ],
      'Europe/Berlin',
      new Date('2026-03-30T10:00:00Z'),
    );
    check([['yesterday', ...DAY('2026-10-25')]], 'Europe/Berlin', new Date('2026-10-26T10:00:00Z'));
    check(
      [
        ['today', ...DAY('2026-03-29')],
        ['this hour', '2026-03-29T14:00:00.000', '2026-03-29T14:59:59.999'],
      ],
      'Europe/Berlin',
      new Date('2026-03-29T12:00:00Z'),
    );
  });

  it('hours move on the real clock: the hour before 03:30 CEST on 2026-03-29 is 01:00 CET', () =>
    check(
      [
        ['today', ...DAY('2026-03-29')],
        ['this hour', '2026-03-29T03:00:00.000', '2026-03-29T03:59:59.999'],
        ['last hour', '2026-03-29T01:00:00.000', '2026-03-29T01:59:59.999'],
        ['last 2 hours', '2026-03-29T00:00:00.000', '2026-03-29T01:59:59.999'],
        ['from 3 hours ago to now', '2026-03-28T23:00:00.000', '2026-03-29T03:59:59.999'],
      ],
      'Europe/Berlin',
      new Date('2026-03-29T01:30:00Z'),
    ));
});

describe('resolveDateRange: leap years', () => {
  it.each<[string, string, Case]>([
    ['2024-03-15T12:00:00Z', 'UTC', ['last month', ...DAYS('2024-02-01', '2024-02-29')]],
    ['2023-03-15T12:00:00Z', 'UTC', ['last month', ...DAYS('2023-02-01', '2023-02-28')]],
    ['2024-03-31T12:00:00Z', 'UTC', ['from 1 month ago to now', ...DAYS('2024-02-29', '2024-03-31')]],
    ['2024-02-29T12:00:00Z', 'UTC', ['from 1 year ago to now', ...DAYS('2023-02-28', '2024-02-29')]],
    ['2024-03-01T05:00:00Z', 'America/Los_Angeles', ['today', ...DAY('2024-02-29')]],
  ])('now %s in %s: %j', (now, tz, c) => check([c], tz, new Date(now)));
});

describe('resolveDateRange: errors name the input', () => {
  const bad =
    (input: unknown, timeZone = 'UTC', now = NOW) =>
    () =>
      resolveDateRange(input as string, timeZone, now);

  it('says how to write a range it cannot read', () => {
    expect(bad('next blue moon')).toThrow(
      new DateRangeError(
        'cannot read the date range "next blue moon"; use e.g. "last 7 days", "this month", ' +
          '"from 2024-01-01 to 2024-03-31" or ["2024-01-01", "2024-03-31"]',
      ),
    );
  });

  it.each<[unknown, RegExp]>([
    ['', /cannot read the date range ""/],
    ['   ', /cannot read the date range " {3}"/],
    ['this fortnight', /cannot read the date range "this fortnight"/],
    ['last seven days', /cannot read the date range "last seven days"/],
    ['last -3 days', /cannot read the date range "last -3 days"/],
    ['last 7 days please', /cannot read the date range "last 7 days please"/],
    ['3 days', /cannot read the date range "3 days"/],
    ['in 3 days ago', /cannot read the date range "in 3 days ago"/],
    ['from today', /cannot read the date range "from today"/],
    ['2024-1-5', /cannot read the date range "2024-1-5"/],
    ['last 0 days', /"last 0 days" covers no days/],
    ['next 0 weeks', /"next 0 weeks" covers no weeks/],
    [
      'from blue moon to now',
      /cannot read "blue moon" in the date range "from blue moon to now"; each end must be/,
    ],
    ['from 2024-01-01 to whenever', /cannot read "whenever" in the date range/],
    ['from 2024-03-31 to 2024-01-01', /"from 2024-03-31 to 2024-01-01" ends before it starts/],
    ['from now to 3 days ago', /"from now to 3 days ago" ends before it starts/],
    ['2024-13', /"2024-13" is not a real date/],
    ['2024-02-30', /"2024-02-30" is not a real date/],
    ['2023-02-29', /"2023-02-29" is not a real date/],
    ['2024-01-01 25:00', /"2024-01-01 25:00" is not a real date or time/],
    ['2024-01-01t10:61', /"2024-01-01t10:61" is not a real date or time/],
    ['last 99999999999 years', /"last 99999999999 years" falls outside the years 0000 to 9999/],
    ['last 99999999999 hours', /falls outside the years 0000 to 9999/],
    [['2024-03-31', '2024-01-01'], /\["2024-03-31","2024-01-01"\] ends before it starts/],
    [['2024-01-05T10:00', '2024-01-05T09:59'], /ends before it starts/],
    [['last week', '2024-01-01'], /cannot read "last week" in the date range \["last week","2024-01-01"\]/],
    [['2024-01', '2024-03'], /cannot read "2024-01" in the date range/],
    [['2024-02-30', '2024-03-01'], /"2024-02-30" is not a real date/],
    [['2024-01-01'], /a date range pair must be two date strings/],
    [['2024-01-01', '2024-01-02', '2024-01-03'], /a date range pair must be two date strings/],
    [[1, 2], /a date range pair must be two date strings, got \[1,2\]/],
    [42, /a date range is a string or a pair of dates, got 42/],
  ])('%j', (input, message) => {
    expect(bad(input)).toThrow(DateRangeError);
    expect(bad(input)).toThrow(message);
  });

  it('rejects an unknown time zone and an invalid now', () => {
    expect(bad('today', 'Mars/Olympus')).toThrow(
      new DateRangeError('unknown time zone "Mars/Olympus"; use an IANA name such as Europe/Berlin'),
    );
    expect(bad('today', '')).toThrow(/unknown time zone ""/);
    expect(bad('today', 'UTC', new Date('nope'))).toThrow(/"now" is not a valid date/);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['Pacific/Auckland', true],
    ['America/Los_Angeles', true],
    ['Mars/Olympus', false],
    ['', false],
    [' ', false],
    ['not a zone', false],
  ])('%j is %s', (tz, valid) => expect(isValidTimeZone(tz)).toBe(valid));
});

const range = (from: string, to: string): ResolvedDateRange => resolveDateRange([from, to], 'UTC', NOW);

describe('shiftDateRange', () => {
  it.each<[ResolvedDateRange, number, 'day' | 'week' | 'month' | 'quarter' | 'year', string, string]>([
    [range('2024-02-01', '2024-02-29'), -1, 'year', ...DAYS('2023-02-01', '2023-02-28')],
    [range('2023-02-01', '2023-02-28'), 1, 'year', ...DAYS('2024-02-01', '2024-02-29')],
    [range('2024-01-31', '2024-01-31'), -1, 'month', ...DAY('2023-12-31')],
    [range('2024-03-31', '2024-03-31'), -1, 'month', ...DAY('2024-02-29')],
    [range('2023-03-31', '2023-03-31'), -1, 'month', ...DAY('2023-02-28')],
    [range('2024-03-30', '2024-03-30'), -1, 'month', ...DAY('2024-02-29')],
    [range('2024-04-30', '2024-04-30'), 1, 'month', ...DAY('2024-05-31')],
    [range('2024-02-01', '2024-04-30'), 1, 'month', ...DAYS('2024-03-01', '2024-05-31')],
    [range('2024-01-01', '2024-03-31'), -1, 'quarter', ...DAYS('2023-10-01', '2023-12-31')],
    [range('2024-01-01', '2024-03-31'), 1, 'quarter', ...DAYS('2024-04-01', '2024-06-30')],
    [range('2024-01-15', '2024-02-14'), -1, 'year', ...DAYS('2023-01-15', '2023-02-14')],
    [range('2026-11-23', '2026-11-29'), -1, 'week', ...DAYS('2026-11-16', '2026-11-22')],
    [range('2026-11-23', '2026-11-29'), -52, 'week', ...DAYS('2025-11-24', '2025-11-30')],
    [range('2024-03-01', '2024-03-01'), -1, 'day', ...DAY('2024-02-29')],
    [
      range('2024-01-05T10:00', '2024-01-05T18:00'),
      1,
      'year',
      '2025-01-05T10:00:00.000',
      '2025-01-05T18:00:00.000',
    ],
  ])('%j shifted by %d %s', (r, amount, unit, from, to) => {
    const shifted = shiftDateRange(r, amount, unit);
    expect([shifted.from, shifted.to]).toEqual([from, to]);
    expect(shifted.toExclusive).toBe(resolveDateRange([to, to], 'UTC', NOW).toExclusive);
  });

  it('rejects fractions, unknown units and malformed bounds', () => {
    const r = range('2024-01-01', '2024-01-31');
    expect(() => shiftDateRange(r, 1.5, 'month')).toThrow(/cannot shift a date range by 1.5 "month"/);
    expect(() => shiftDateRange(r, 1, 'fortnight' as 'week')).toThrow(
      /cannot shift a date range by 1 "fortnight"/,
    );
    expect(() => shiftDateRange({ ...r, from: '2024-01-01' }, 1, 'day')).toThrow(DateRangeError);
    expect(() => shiftDateRange({ ...r, to: '2024-02-30T00:00:00.000' }, 1, 'day')).toThrow(
      /not a real date/,
    );
  });
});

describe('previousPeriod', () => {
  it.each<[ResolvedDateRange, string, string]>([
    [resolveDateRange('this month', 'UTC', NOW), ...DAYS('2026-10-01', '2026-10-31')],
    [range('2024-02-01', '2024-02-29'), ...DAYS('2024-01-01', '2024-01-31')],
    [range('2024-03-01', '2024-03-31'), ...DAYS('2024-02-01', '2024-02-29')],
    [range('2024-01-01', '2024-03-31'), ...DAYS('2023-10-01', '2023-12-31')],
    [range('2024-01-01', '2024-12-31'), ...DAYS('2023-01-01', '2023-12-31')],
    [range('2024-01-01', '2024-02-29'), ...DAYS('2023-11-01', '2023-12-31')],
    [resolveDateRange('last 12 months', 'UTC', NOW), ...DAYS('2024-11-01', '2025-10-31')],
    [resolveDateRange('last 7 days', 'UTC', NOW), ...DAYS('2026-11-09', '2026-11-15')],
    [resolveDateRange('this week', 'UTC', NOW), ...DAYS('2026-11-16', '2026-11-22')],
    [range('2024-01-15', '2024-02-14'), ...DAYS('2023-12-15', '2024-01-14')],
    [range('2024-03-01', '2024-03-01'), ...DAY('2024-02-29')],
    [resolveDateRange('this hour', 'UTC', NOW), '2026-11-23T14:00:00.000', '2026-11-23T14:59:59.999'],
    // Exact timestamps: [10:00, 12:00:00.001) is 2 h + 1 ms long, so is the period before it.
    [range('2024-01-05T10:00', '2024-01-05T12:00'), '2024-01-05T07:59:59.999', '2024-01-05T09:59:59.999'],
  ])('before %j', (r, from, to) => {
    const p = previousPeriod(r);
    expect([p.from, p.to]).toEqual([from, to]);
    expect(p.toExclusive).toBe(r.from);
  });
});
