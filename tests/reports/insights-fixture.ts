/**
 * Shared by the insights tests: raw web events written straight into a fresh warehouse, and the
 * plain-JavaScript calendar those tests use to recompute every report by brute force.
 */
import type { Engine } from '../../src/engine';
import { list, sql } from '../../src/sql';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

export interface RawEvent {
  id: string;
  /** UTC, 'YYYY-MM-DD HH:MM:SS'. */
  ts: string;
  event: string;
  customer?: string;
  anon?: string;
  session?: string;
  props?: Record<string, unknown>;
}

/** Customers and their region (one version each, valid forever). */
export type Regions = Record<string, string>;

export async function warehouseWith(events: readonly RawEvent[], regions: Regions = {}) {
  const engine = await memoryWarehouse();
  const keys = new Map(Object.keys(regions).map((c, i) => [c, i + 1]));
  if (keys.size > 0) {
    const rows = [...keys].map(
      ([c, k]) =>
        sql`(${k}, ${c}, ${regions[c]!}, TIMESTAMP '1900-01-01', TIMESTAMP '9999-12-31', true, false, 0, 1)`,
    );
    await engine.exec(
      sql`INSERT INTO dim_customer (customer_key, customer_id, region, valid_from, valid_to, is_current, is_placeholder, row_hash, run_id) VALUES ${list(rows)}`,
    );
  }
  const rows = events.map(
    (e) =>
      sql`(${e.id}, CAST(${e.ts} AS TIMESTAMP), 0, ${e.event}, ${e.customer ?? null}, ${
        e.customer === undefined ? null : (keys.get(e.customer) ?? null)
      }, ${e.anon ?? null}, ${e.session ?? null}, ${e.props === undefined ? null : JSON.stringify(e.props)}, 0, 1)`,
  );
  for (let i = 0; i < rows.length; i += 500) {
    await engine.exec(
      sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, customer_key, anonymous_id, session_id, properties, row_hash, run_id) VALUES ${list(rows.slice(i, i + 500))}`,
    );
  }
  return { engine, ctx: reportContext(engine) };
}

export async function closing(engine: Engine, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    await engine.close();
  }
}

/** The local calendar day ('YYYY-MM-DD') of a UTC timestamp in a zone (Intl, not SQL). */
export function localDay(ts: string, timeZone = 'UTC'): string {
  const d = new Date(`${ts.replace(' ', 'T')}Z`);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export type Period = 'day' | 'week' | 'month';

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;
const dayOf = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** The first day of the period holding `day` (weeks start on Monday). */
export function periodOf(period: Period, day: string): string {
  if (period === 'day') return day;
  if (period === 'month') return `${day.slice(0, 7)}-01`;
  const n = dayNumber(day);
  const weekday = (new Date(n * 86_400_000).getUTCDay() + 6) % 7; // Monday 0
  return dayOf(n - weekday);
}

/** The period after the one starting on `start`. */
export function nextPeriod(period: Period, start: string): string {
  if (period === 'day') return dayOf(dayNumber(start) + 1);
  if (period === 'week') return dayOf(dayNumber(start) + 7);
  const [y, m] = start.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Every period start from the one holding `from` to the one holding `to`, inclusive. */
export function periodsBetween(period: Period, from: string, to: string): string[] {
  const out: string[] = [];
  const last = periodOf(period, to);
  for (let p = periodOf(period, from); p <= last; p = nextPeriod(period, p)) out.push(p);
  return out;
}

/** Whole periods from a to b (both period starts). */
export function periodsApart(period: Period, a: string, b: string): number {
  let k = 0;
  for (let p = a; p < b; p = nextPeriod(period, p)) k++;
  return k;
}

export const previousDay = (day: string) => dayOf(dayNumber(day) - 1);
export const daysIn = (period: Period, start: string) =>
  dayNumber(nextPeriod(period, start)) - dayNumber(start);

/** The actor of an event as the reports define it. */
export function actorOf(e: RawEvent, actor: 'person' | 'customer' | 'anonymous' | 'session'): string | null {
  switch (actor) {
    case 'person':
      return e.customer ?? e.anon ?? null;
    case 'customer':
      return e.customer ?? null;
    case 'anonymous':
      return e.anon ?? null;
    case 'session':
      return e.session ?? null;
  }
}

/** A seeded generator (mulberry32), so every run tests the same data. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A small site over about two months: sessions of a few events each, some customers (with a
 * region), some anonymous; timestamps near midnight (so Berlin moves days), sessions crossing
 * midnight, several events at the same second, a custom event with a `plan` property.
 */
export function generatedEvents(seed = 7, maxSessions = 6): { events: RawEvent[]; regions: Regions } {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const names = ['visit', 'page_view', 'view_product', 'add_to_cart', 'purchase', 'signup_completed'];
  const regions: Regions = {};
  for (let i = 0; i < 12; i++) regions[`C${i}`] = pick(['north', 'south']);
  const events: RawEvent[] = [];
  let id = 0;
  let session = 0;
  for (let a = 0; a < 40; a++) {
    const customer = a < 14 ? `C${a % 12}` : undefined; // C0, C1 have two anonymous ids
    const anon = `A${a}`;
    const sessions = 1 + Math.floor(rnd() * maxSessions);
    for (let s = 0; s < sessions; s++) {
      const day = Math.floor(rnd() * 62); // from 2025-01-01
      // Near midnight often: 22:00 to 02:00 UTC.
      const start =
        day * 86_400 + (rnd() < 0.5 ? 22 * 3600 + Math.floor(rnd() * 4 * 3600) : Math.floor(rnd() * 86_400));
      let t = start;
      const sid = `S${session++}`;
      const n = 1 + Math.floor(rnd() * 6);
      for (let i = 0; i < n; i++) {
        const d = new Date(Date.UTC(2025, 0, 1) + t * 1000);
        const ts = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
        const event = pick(names);
        events.push({
          id: `e${id++}`,
          ts,
          event,
          ...(customer !== undefined && rnd() < 0.8 ? { customer } : {}),
          anon,
          session: sid,
          ...(rnd() < 0.7 ? { props: { plan: pick(['free', 'pro', 'team']) } } : {}),
        });
        // Ties: a third of the next events share the second.
        t += rnd() < 0.33 ? 0 : 1 + Math.floor(rnd() * 1800);
      }
    }
  }
  return { events, regions };
}

/** A breakdown's value of an event, as the tests compute it: a property, or the customer's region. */
export function breakdownOf(
  breakdown: string | undefined,
  regions: Regions,
): ((e: RawEvent) => string | null) | undefined {
  if (breakdown === undefined) return undefined;
  if (breakdown === 'customers.region') {
    return (e) => (e.customer === undefined ? null : (regions[e.customer] ?? null));
  }
  const key = breakdown.replace(/^web_events\./, '').replace(/^properties\./, '');
  return (e) => {
    const v = e.props?.[key];
    return v === undefined || v === null ? null : String(v);
  };
}

/** Sorts values as the reports do: NULL first, then by code unit. */
export const byValue = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;

/** Expects an AppError of this code whose message matches. */
export async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  const e = error as { code?: string; message?: string } | undefined;
  if (e?.code !== code || !message.test(e.message ?? '')) {
    throw new Error(`expected ${code} matching ${message}, got ${e?.code}: ${e?.message}`);
  }
}
