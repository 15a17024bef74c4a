/**
 * How a window of time reads for people, in one format everywhere (KPIs, comparisons, exports,
 * e-mails): "2025", "Q3 2025", "Jul 2025", "Jul 2025 – Jun 2026", "May 1–14, 2026",
 * "Jan 1 – May 14, 2026". Bounds are wall-clock times 'YYYY-MM-DDTHH:mm:ss.SSS' (inclusive).
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Wall {
  readonly y: number;
  readonly m: number;
  readonly d: number;
  readonly time: string;
}

function wall(s: string): Wall {
  return {
    y: Number(s.slice(0, 4)),
    m: Number(s.slice(5, 7)) - 1,
    d: Number(s.slice(8, 10)),
    time: s.length > 10 ? s.slice(11, 23) : '00:00:00.000',
  };
}

const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
const month = (w: Wall) => `${MONTHS[w.m]} ${w.y}`;
const day = (w: Wall) => `${MONTHS[w.m]} ${w.d}`;

/** "Jan 2025 – Mar 2025" reads "Q1 2025"; a whole year "2025". */
function wholeMonths(a: Wall, b: Wall): string {
  if (a.y === b.y && a.m === 0 && b.m === 11) return String(a.y);
  if (a.y === b.y && a.m % 3 === 0 && b.m === a.m + 2) return `Q${a.m / 3 + 1} ${a.y}`;
  if (a.y === b.y && a.m === b.m) return month(a);
  if (a.y === b.y) return `${MONTHS[a.m]} – ${month(b)}`;
  return `${month(a)} – ${month(b)}`;
}

/** The inclusive window [from, to] in words. */
export function formatWindow(from: string, to: string): string {
  const a = wall(from);
  const b = wall(to);
  const startsDay = a.time === '00:00:00.000';
  const endsDay = b.time === '23:59:59.999';
  if (!startsDay || !endsDay) {
    const t = (w: Wall, s: string) => `${day(w)}, ${w.y} ${s.slice(11, 16)}`;
    return `${t(a, from.length > 10 ? from : `${from}T00:00`)} – ${t(b, to.length > 10 ? to : `${to}T23:59`)}`;
  }
  if (a.d === 1 && b.d === lastDay(b.y, b.m)) return wholeMonths(a, b);
  if (a.y === b.y && a.m === b.m) return a.d === b.d ? `${day(a)}, ${a.y}` : `${day(a)}–${b.d}, ${a.y}`;
  if (a.y === b.y) return `${day(a)} – ${day(b)}, ${a.y}`;
  return `${day(a)}, ${a.y} – ${day(b)}, ${b.y}`;
}

/** A date (or the date of a timestamp) in words: "May 14, 2026". */
export function formatDay(date: string): string {
  const w = wall(date);
  return `${day(w)}, ${w.y}`;
}
