import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { paths, pathsReport } from '../../src/reports/paths/report';
import {
  actorOf,
  breakdownOf,
  byValue,
  closing,
  generatedEvents,
  localDay,
  type RawEvent,
  type Regions,
  rejects,
  warehouseWith,
} from './insights-fixture';

interface Case {
  start_event?: string;
  end_event?: string;
  steps?: number;
  limit?: number;
  exclude_events?: string[];
  timezone?: string;
  actor?: 'person' | 'customer' | 'anonymous' | 'session';
  breakdown?: string;
  from?: string;
  as_of: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Lists compared element by element, a prefix first (as DuckDB orders lists). */
function cmpList(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Paths by brute force: each session sorted, collapsed, cut around its anchor, then counted. */
function brutePaths(events: readonly RawEvent[], regions: Regions, c: Case) {
  const tz = c.timezone ?? 'UTC';
  const bdOf = breakdownOf(c.breakdown, regions) ?? (() => null);
  const sessions = new Map<string, RawEvent[]>();
  for (const e of events) {
    if (e.session === undefined || localDay(e.ts, tz) >= c.as_of || c.exclude_events?.includes(e.event))
      continue;
    if (!sessions.has(e.session)) sessions.set(e.session, []);
    sessions.get(e.session)!.push(e);
  }
  const k = c.steps ?? 5;
  const counted = new Map<
    string,
    { bd: string | null; path: string[]; sessions: number; actors: Set<string> }
  >();
  for (const evs of sessions.values()) {
    evs.sort((a, b) => cmp(a.ts, b.ts) || cmp(a.event, b.event) || cmp(a.id, b.id));
    const steps = evs.filter((e, i) => i === 0 || evs[i - 1]!.event !== e.event);
    const anchorEvent = c.start_event ?? c.end_event;
    const at = anchorEvent === undefined ? 0 : steps.findIndex((e) => e.event === anchorEvent);
    if (at < 0) continue;
    const anchor = steps[at]!;
    const actor = actorOf(anchor, c.actor ?? 'person');
    if (actor === null || (c.from !== undefined && localDay(anchor.ts, tz) < c.from)) continue;
    const slice =
      c.end_event === undefined ? steps.slice(at, at + k) : steps.slice(Math.max(0, at - k + 1), at + 1);
    const path = slice.map((e) => e.event);
    const bd = bdOf(anchor);
    const key = JSON.stringify([bd, path]);
    if (!counted.has(key)) counted.set(key, { bd, path, sessions: 0, actors: new Set() });
    const x = counted.get(key)!;
    x.sessions++;
    x.actors.add(actor);
  }
  const all = [...counted.values()].map((x) => ({
    bd: x.bd,
    path: x.path,
    sessions: x.sessions,
    actors: x.actors.size,
  }));
  const values = [...new Set(all.map((x) => x.bd))].sort(byValue);
  return values.map((bd) => ({
    bd,
    paths: all
      .filter((x) => x.bd === bd)
      .sort((a, b) => b.sessions - a.sessions || b.actors - a.actors || cmpList(a.path, b.path))
      .slice(0, c.limit ?? 20)
      .map((x, i) => ({ rank: i + 1, path: x.path, sessions: x.sessions, actors: x.actors })),
  }));
}

describe('paths', () => {
  const { events, regions } = generatedEvents(13, 8);
  let engine: Engine;
  let ctx: ReportContext;
  beforeAll(async () => {
    ({ engine, ctx } = await warehouseWith(events, regions));
  });
  afterAll(() => engine.close());

  const cases: Case[] = [
    { start_event: 'visit', as_of: '2025-03-05' },
    {
      end_event: 'purchase',
      steps: 3,
      limit: 50,
      as_of: '2025-03-05',
      timezone: 'Europe/Berlin',
      from: '2025-01-20',
    },
    { steps: 4, limit: 10, as_of: '2025-02-15', actor: 'customer', breakdown: 'customers.region' },
    {
      start_event: 'page_view',
      steps: 6,
      exclude_events: ['signup_completed'],
      as_of: '2025-03-05',
      breakdown: 'properties.plan',
      limit: 7,
    },
    { start_event: 'visit', steps: 2, limit: 100, as_of: '2025-03-05', actor: 'session' },
  ];
  for (const c of cases) {
    it(`${c.start_event ? `from ${c.start_event}` : c.end_event ? `to ${c.end_event}` : 'from session start'}, ${c.steps ?? 5} steps, ${c.actor ?? 'person'}, ${c.breakdown ?? 'no breakdown'}`, async () => {
      const r = await pathsReport(ctx, c);
      const expected = brutePaths(events, regions, c);
      expect(expected.some((g) => g.paths.some((p) => p.sessions > 1 && p.path.length > 1))).toBe(true);
      expect(r.groups.map((g) => ({ bd: c.breakdown ? g.breakdown_value : null, paths: g.paths }))).toEqual(
        expected,
      );
      // The flow's links add up to the paths' sessions at each step.
      for (const g of r.groups) {
        const steps = g.paths.reduce((n, p) => n + p.sessions * (p.path.length - 1), 0);
        expect(g.flow.links.reduce((n, l) => n + l.value, 0)).toBe(steps);
      }
    });
  }
});

describe('paths: hand-worked', () => {
  it('ties ordered by event name, repeats collapsed, a session across midnight, Berlin days, the flow, the event-name 400', async () => {
    const events: RawEvent[] = [
      // s1 crosses midnight UTC: visit, visit (collapsed), then view_product and add_to_cart at the same second.
      { id: '1', ts: '2025-02-28 23:50:00', event: 'visit', anon: 'a', session: 's1' },
      { id: '2', ts: '2025-02-28 23:55:00', event: 'visit', anon: 'a', session: 's1' },
      { id: '3', ts: '2025-03-01 00:05:00', event: 'view_product', anon: 'a', session: 's1' },
      { id: '4', ts: '2025-03-01 00:05:00', event: 'add_to_cart', anon: 'a', session: 's1' },
      { id: '5', ts: '2025-03-01 00:07:00', event: 'purchase', anon: 'a', session: 's1' },
      // s2: a page_view before its visit; the path starts at the visit.
      { id: '6', ts: '2025-03-02 10:00:00', event: 'page_view', anon: 'b', session: 's2' },
      { id: '7', ts: '2025-03-02 10:01:00', event: 'visit', anon: 'b', session: 's2' },
      { id: '8', ts: '2025-03-02 10:02:00', event: 'add_to_cart', anon: 'b', session: 's2' },
      // no session: not in any path.
      { id: '9', ts: '2025-03-02 11:00:00', event: 'visit', anon: 'c' },
    ];
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      const r = await pathsReport(ctx, { start_event: 'visit', steps: 3, as_of: '2025-03-05' });
      expect(r.groups[0]!.paths).toEqual([
        { rank: 1, path: ['visit', 'add_to_cart'], sessions: 1, actors: 1 },
        { rank: 2, path: ['visit', 'add_to_cart', 'view_product'], sessions: 1, actors: 1 },
      ]);
      expect(r.groups[0]!.flow.links).toEqual([
        { source: '1_visit', target: '2_add_to_cart', value: 2 },
        { source: '2_add_to_cart', target: '3_view_product', value: 1 },
      ]);
      // Paths to purchase are aligned on it: it is step 3.
      const to = await pathsReport(ctx, { end_event: 'purchase', steps: 3, as_of: '2025-03-05' });
      expect(to.groups[0]!.paths.map((p) => p.path)).toEqual([['add_to_cart', 'view_product', 'purchase']]);
      expect(to.groups[0]!.flow.nodes.map((n) => n.id)).toEqual([
        '1_add_to_cart',
        '2_view_product',
        '3_purchase',
      ]);
      // From 03-01: s1's visit (02-28 23:50 UTC) is on 03-01 in Berlin only.
      const utc = await pathsReport(ctx, { start_event: 'visit', from: '2025-03-01', as_of: '2025-03-05' });
      expect(utc.groups[0]!.paths.map((p) => p.sessions)).toEqual([1]);
      const berlin = await pathsReport(ctx, {
        start_event: 'visit',
        from: '2025-03-01',
        as_of: '2025-03-05',
        timezone: 'Europe/Berlin',
      });
      expect(berlin.groups[0]!.paths.map((p) => p.sessions)).toEqual([1, 1]);
      const table = await paths.run(
        ctx,
        paths.schema.parse({ start_event: 'visit', steps: 2, as_of: '2025-03-05' }),
      );
      expect(table.rows.data).toEqual([
        { breakdown: null, rank: 1, path: 'visit → add_to_cart', steps: 2, sessions: 2, actors: 2 },
      ]);
      await rejects(
        pathsReport(ctx, { start_event: 'vist' }),
        'VALIDATION_FAILED',
        /start_event: "vist" .*did you mean "visit"/,
      );
      await rejects(
        pathsReport(ctx, { start_event: 'visit', end_event: 'purchase' }),
        'VALIDATION_FAILED',
        /not both/,
      );
    });
  });
});
