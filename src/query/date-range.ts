/**
 * Date ranges of time dimensions, read as Cube's `dateParser` reads them: relative expressions
 * ("last 7 days", "this quarter", "from 3 days ago to now") and absolute pairs. `now` is turned
 * into wall-clock components in the query's zone once; all arithmetic after that is on naive
 * wall-clock times (epoch-ms values read back in UTC), so DST never shortens or lengthens a day.
 */

export interface ResolvedDateRange {
  /** Inclusive start, local wall time in the query's time zone: 'YYYY-MM-DDTHH:mm:ss.SSS'. */
  readonly from: string;
  /** Inclusive end as Cube reports it: 'YYYY-MM-DDTHH:mm:ss.SSS' (e.g. ...T23:59:59.999). */
  readonly to: string;
  /** Exclusive end (the instant after `to` at the range's precision), same format, for SQL `ts < toExclusive`. */
  readonly toExclusive: string;
}

export class DateRangeError extends Error {
  override name = 'DateRangeError';
}

type Unit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
const UNIT = '(second|minute|hour|day|week|month|quarter|year)s?';
const FIXED: Record<string, number> = { second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 };
const SUB_DAY: readonly Unit[] = ['second', 'minute', 'hour'];
const MONTHS: Record<string, number> = { month: 1, quarter: 3, year: 12 };
const DAY_OFFSETS: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 };
const D2 = '2-digit';
const DATE_PARTS = { year: 'numeric', month: D2, day: D2 } as const;
const PARTS = { ...DATE_PARTS, hour: D2, minute: D2, second: D2, hourCycle: 'h23' } as const;
const HINT =
  'use e.g. "last 7 days", "this month", "from 2024-01-01 to 2024-03-31" or ["2024-01-01", "2024-03-31"]';
const OPERANDS =
  'each end must be a date (2024-01-05), a timestamp (2024-01-05 10:00), now, today, yesterday, tomorrow, ' +
  '"3 days ago", "2 weeks from now" or "in 2 weeks"';
const ABSOLUTE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(z|[+-]\d{2}:?\d{2})?)?$/;
const RELATIVE = new RegExp(`^(in )?(\\d+) ${UNIT}( ago| from now)?$`);
const OUTPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})$/;

const quote = (s: unknown) => JSON.stringify(s);
const mod = (a: number, n: number) => ((a % n) + n) % n;

/** A naive wall-clock time from components (month 1-based); NaN when out of Date's range. */
function naive(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

type Parts = [number, number, number, ...number[]];

/** Like `naive`, but refuses components that roll over (2023-02-29, 24:00, month 13). */
function checked(input: string, [y, mo, d, h = 0, mi = 0, s = 0, ms = 0]: Parts): number {
  const b = new Date(naive(y, mo, d, h, mi, s, ms));
  const back = [b.getUTCMonth() + 1, b.getUTCDate(), b.getUTCHours(), b.getUTCMinutes(), b.getUTCSeconds()];
  if (back.join() !== [mo, d, h, mi, s].join())
    throw new DateRangeError(`${quote(input)} is not a real date or time`);
  return b.getTime();
}

/** A naive wall-clock time as 'YYYY-MM-DDTHH:mm:ss.SSS'. */
export function formatWallTime(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}` +
    `T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`
  );
}

function startOf(t: number, unit: Unit): number {
  const fixed = FIXED[unit];
  if (unit === 'week') return startOf(t, 'day') - mod(new Date(t).getUTCDay() - 1, 7) * 864e5;
  if (fixed !== undefined) return t - mod(t, fixed);
  const d = new Date(t);
  const m = d.getUTCMonth();
  return naive(d.getUTCFullYear(), m - (m % MONTHS[unit]!) + 1, 1);
}

/** Adds whole units; months, quarters and years clamp the day to the target month's length. */
function add(t: number, n: number, unit: Unit): number {
  const fixed = FIXED[unit];
  if (fixed !== undefined) return t + n * fixed;
  const d = new Date(t);
  const total = d.getUTCMonth() + n * MONTHS[unit]!;
  const y = d.getUTCFullYear() + Math.floor(total / 12);
  const m = mod(total, 12);
  const day = Math.min(d.getUTCDate(), new Date(naive(y, m + 2, 0)).getUTCDate());
  return naive(y, m + 1, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

const endOf = (t: number, unit: Unit) => add(startOf(t, unit), 1, unit) - 1;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  const f = formatters.get(timeZone) ?? new Intl.DateTimeFormat('en-US', { ...PARTS, timeZone });
  formatters.set(timeZone, f);
  return f;
}

/** The wall-clock time an instant shows in a zone, as a naive time. */
export function wallClock(instant: Date, timeZone: string): number {
  if (Number.isNaN(+instant)) return Number.NaN;
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = Number(p.value);
  const { year, month, day, hour, minute, second } = parts;
  return naive(year!, month!, day!, hour!, minute!, second!, instant.getUTCMilliseconds());
}

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const normalise = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** A point in an expression: a date (a whole day), an absolute instant, or one relative to now. */
interface Point {
  readonly t: number;
  readonly kind: 'date' | 'instant' | 'relative';
}

function absolute(s: string, timeZone: string): Point | undefined {
  const m = ABSOLUTE.exec(s);
  if (!m) return undefined;
  const [frac, offset] = [m[7], m[8]];
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const t = checked(s, [...(m.slice(1, 7).map((x) => Number(x ?? 0)) as Parts), ms]);
  if (!offset) return { t, kind: m[4] === undefined ? 'date' : 'instant' };
  const [, sign, oh, om] = /^([+-])(\d{2}):?(\d{2})$/.exec(offset) ?? ['', '+', '0', '0'];
  const minutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return { t: wallClock(new Date(t - minutes * 6e4), timeZone), kind: 'instant' };
}

/** Now moved by whole units, as a naive wall-clock time. */
type Shift = (n: number, unit: Unit) => number;

function point(s: string, shift: Shift, timeZone: string): Point | undefined {
  if (s === 'now') return { t: shift(0, 'day'), kind: 'relative' };
  // As chrono reads them: today, yesterday and tomorrow keep now's time of day.
  if (Object.hasOwn(DAY_OFFSETS, s)) return { t: shift(DAY_OFFSETS[s]!, 'day'), kind: 'relative' };
  // "3 days ago", "3 days from now" or "in 3 days": exactly one of the prefix and the suffix.
  const [, pre, n, unit, post] = RELATIVE.exec(s) ?? [];
  if (n && !pre !== !post)
    return { t: shift(Number(n) * (post === ' ago' ? -1 : 1), unit as Unit), kind: 'relative' };
  return absolute(s, timeZone);
}

function build(from: number, to: number, input: unknown): ResolvedDateRange {
  const year = (t: number) => new Date(t).getUTCFullYear();
  if (![from, to + 1].every((t) => year(t) >= 0 && year(t) <= 9999)) {
    throw new DateRangeError(`the date range ${quote(input)} falls outside the years 0000 to 9999`);
  }
  if (to < from) throw new DateRangeError(`the date range ${quote(input)} ends before it starts`);
  return { from: formatWallTime(from), to: formatWallTime(to), toExclusive: formatWallTime(to + 1) };
}

/** Reads each end of a range, or throws naming the end that cannot be read. */
function readEach(ends: string[], range: unknown, hint: string, read: (end: string) => Point | undefined) {
  return ends.map((end) => {
    const p = read(end);
    if (p) return p;
    throw new DateRangeError(`cannot read ${quote(end)} in the date range ${quote(range)}; ${hint}`);
  });
}

function resolvePair(range: readonly unknown[], timeZone: string): ResolvedDateRange {
  if (range.length !== 2 || !range.every((x) => typeof x === 'string')) {
    throw new DateRangeError(`a date range pair must be two date strings, got ${quote(range)}`);
  }
  const [a, b] = readEach(range as string[], range, 'use YYYY-MM-DD[THH:mm:ss]', (x) =>
    absolute(normalise(x), timeZone),
  );
  return build(a!.t, b!.kind === 'date' ? endOf(b!.t, 'day') : b!.t, range);
}

export function resolveDateRange(
  range: string | readonly [string, string],
  timeZone: string,
  now: Date,
): ResolvedDateRange {
  if (!isValidTimeZone(timeZone)) {
    throw new DateRangeError(`unknown time zone ${quote(timeZone)}; use an IANA name such as Europe/Berlin`);
  }
  if (!(now instanceof Date) || Number.isNaN(+now)) throw new DateRangeError('"now" is not a valid date');
  if (typeof range !== 'string') {
    if (Array.isArray(range)) return resolvePair(range, timeZone);
    throw new DateRangeError(`a date range is a string or a pair of dates, got ${quote(range)}`);
  }
  const s = normalise(range);
  const wall = wallClock(now, timeZone);
  // Hours and shorter move on the real clock, as moment does (so "last hour" skips a DST gap);
  // days and longer move on the calendar, so a day stays a whole calendar day.
  const shift: Shift = (n, unit) =>
    SUB_DAY.includes(unit) ? wallClock(new Date(+now + n * FIXED[unit]!), timeZone) : add(wall, n, unit);
  const period = new RegExp(`^(this|last|next) ${UNIT}$`).exec(s);
  if (period) {
    const unit = period[2] as Unit;
    const at = shift(period[1] === 'this' ? 0 : period[1] === 'last' ? -1 : 1, unit);
    return build(startOf(at, unit), endOf(at, unit), range);
  }
  const several = new RegExp(`^(last|next) (\\d+) ${UNIT}$`).exec(s);
  if (several) {
    const [n, unit] = [Number(several[2]), several[3] as Unit];
    if (n < 1) throw new DateRangeError(`the date range ${quote(range)} covers no ${unit}s; count from 1`);
    const [first, last] = several[1] === 'last' ? [-n, -1] : [1, n];
    return build(startOf(shift(first, unit), unit), endOf(shift(last, unit), unit), range);
  }
  // Cube: the precision is the first of second, minute, hour named anywhere in the text, else day.
  const exact = (['second', 'minute', 'hour'] as const).find((g) => s.includes(g)) ?? 'day';
  const fromTo = /^from (.+?) to (.+)$/.exec(s);
  if (fromTo) {
    const [a, b] = readEach([fromTo[1]!, fromTo[2]!], range, OPERANDS, (x) => point(x, shift, timeZone));
    const unit = (p: Point) => (p.kind === 'date' ? 'day' : exact);
    return build(startOf(a!.t, unit(a!)), endOf(b!.t, unit(b!)), range);
  }
  const yearMonth = /^(\d{4})(?:-(\d{2}))?$/.exec(s);
  if (yearMonth) {
    const start = checked(s, [Number(yearMonth[1]), Number(yearMonth[2] ?? 1), 1]);
    return build(start, endOf(start, yearMonth[2] ? 'month' : 'year'), range);
  }
  const single = point(s, shift, timeZone);
  if (single?.kind === 'instant') return build(single.t, single.t, range);
  if (single) {
    const unit = single.kind === 'date' ? 'day' : exact;
    return build(startOf(single.t, unit), endOf(single.t, unit), range);
  }
  throw new DateRangeError(`cannot read the date range ${quote(range)}; ${HINT}`);
}

/** A resolved bound ('YYYY-MM-DDTHH:mm:ss.SSS') as a naive wall-clock time. */
export function parseResolved(s: string): number {
  const m = typeof s === 'string' ? OUTPUT.exec(s) : null;
  if (!m) throw new DateRangeError(`${quote(s)} is not a resolved bound (YYYY-MM-DDTHH:mm:ss.SSS)`);
  return checked(s, m.slice(1).map(Number) as Parts);
}

/** Shifts a resolved range by whole periods (used by compareDateRange / "same period last year"). */
export function shiftDateRange(
  r: ResolvedDateRange,
  amount: number,
  unit: 'day' | 'week' | 'month' | 'quarter' | 'year',
): ResolvedDateRange {
  if (!Number.isInteger(amount) || !['day', 'week', 'month', 'quarter', 'year'].includes(unit)) {
    throw new DateRangeError(
      `cannot shift a date range by ${amount} ${quote(unit)}; use whole days to years`,
    );
  }
  // Days clamp (Jan 31 - 1 month = Dec 31, Mar 31 - 1 month = Feb 28), and an end on a month's
  // last day stays on the last day (2023-02-28 + 1 year = 2024-02-29), so whole months stay whole.
  const move = (t: number) =>
    unit in MONTHS && new Date(t + 864e5).getUTCDate() === 1
      ? add(t + 864e5, amount, unit) - 864e5
      : add(t, amount, unit);
  return build(move(parseResolved(r.from)), move(parseResolved(r.to)), [r.from, r.to]);
}

/** The range immediately before r with the same length in calendar units where possible (for "previous period" deltas). */
export function previousPeriod(r: ResolvedDateRange): ResolvedDateRange {
  const [from, end] = [parseResolved(r.from), parseResolved(r.to) + 1];
  if (from === startOf(from, 'month') && end === startOf(end, 'month')) {
    const month = (t: number) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();
    return shiftDateRange(r, month(from) - month(end), 'month');
  }
  return build(from - (end - from), from - 1, [r.from, r.to]);
}
