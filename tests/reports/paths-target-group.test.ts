import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { pathsReport } from '../../src/reports/paths/report';
import { refreshSegment, saveSegment } from '../../src/reports/target-groups/store';
import { buildApp } from '../../src/server/app';
import { list, sql } from '../../src/sql';
import { DEMO_AS_OF, DEMO_NOW, loadDemo, ROOT } from '../helpers/demo';
import { reportContext } from '../helpers/reports';
import { closing, type RawEvent, rejects, warehouseWith } from './insights-fixture';

/** A web event as read back from fact_web_events with a plain SELECT. */
interface Row {
  id: string;
  ts: string;
  event: string;
  customer: string | null;
  anon: string | null;
  session: string | null;
  source: string | null;
}

interface Slice {
  start_event?: string;
  end_event?: string;
  steps: number;
  exclude_events?: string[];
  /** Only `source` (a column of the fact table) is recomputed here. */
  breakdown?: 'source';
  actor?: 'person' | 'customer';
  as_of: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function rawRows(engine: Engine): Promise<Row[]> {
  const r = await engine.query(
    `SELECT event_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S') AS ts, event, customer_id, anonymous_id, session_id, source
     FROM fact_web_events`,
  );
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return r.rows.map((x) => ({
    id: String(x['event_id']),
    ts: String(x['ts']),
    event: String(x['event']),
    customer: s(x['customer_id']),
    anon: s(x['anonymous_id']),
    session: s(x['session_id']),
    source: s(x['source']),
  }));
}

/**
 * The customers of a path by brute force: each session's events (UTC days before as_of, less the
 * excluded) sorted by time, name, id; repeats collapsed; cut at the first anchor; the anchor
 * event's customer id when the session took exactly `path` (in breakdown value `value`).
 */
function bruteMembers(
  rows: readonly Row[],
  c: Slice,
  path: readonly string[],
  value?: string | null,
): string[] {
  const sessions = new Map<string, Row[]>();
  for (const e of rows) {
    if (e.session === null || e.ts.slice(0, 10) >= c.as_of || c.exclude_events?.includes(e.event)) continue;
    if (!sessions.has(e.session)) sessions.set(e.session, []);
    sessions.get(e.session)!.push(e);
  }
  const members = new Set<string>();
  for (const evs of sessions.values()) {
    evs.sort((a, b) => cmp(a.ts, b.ts) || cmp(a.event, b.event) || cmp(a.id, b.id));
    const steps = evs.filter((e, i) => i === 0 || evs[i - 1]!.event !== e.event);
    const anchorEvent = c.start_event ?? c.end_event;
    const at = anchorEvent === undefined ? 0 : steps.findIndex((e) => e.event === anchorEvent);
    if (at < 0) continue;
    const anchor = steps[at]!;
    const taken = (
      c.end_event === undefined
        ? steps.slice(at, at + c.steps)
        : steps.slice(Math.max(0, at - c.steps + 1), at + 1)
    ).map((e) => e.event);
    if (JSON.stringify(taken) !== JSON.stringify(path)) continue;
    if (c.breakdown !== undefined && anchor.source !== value) continue;
    if (anchor.customer !== null) members.add(anchor.customer);
  }
  return [...members].sort();
}

const ids = async (engine: Engine, segment: string) =>
  (
    await engine.query(
      sql`SELECT customer_id FROM saved_segment_members WHERE segment_id = ${segment} ORDER BY customer_id`,
    )
  ).rows.map((r) => String(r['customer_id']));

describe('paths saved as a target group: hand-made sessions', () => {
  // Sessions of visit → view_product → add_to_cart (3 steps from a visit), and others.
  const events: RawEvent[] = [
    // s1: C1; the repeated view_product collapses: the path is visit → view_product → add_to_cart.
    { id: '1', ts: '2025-03-01 10:00:00', event: 'visit', customer: 'C1', anon: 'a1', session: 's1' },
    { id: '2', ts: '2025-03-01 10:01:00', event: 'view_product', customer: 'C1', anon: 'a1', session: 's1' },
    { id: '3', ts: '2025-03-01 10:02:00', event: 'view_product', customer: 'C1', anon: 'a1', session: 's1' },
    { id: '4', ts: '2025-03-01 10:03:00', event: 'add_to_cart', customer: 'C1', anon: 'a1', session: 's1' },
    // s2: the same path by an anonymous visitor: not a customer, not saved.
    { id: '5', ts: '2025-03-01 11:00:00', event: 'visit', anon: 'a2', session: 's2' },
    { id: '6', ts: '2025-03-01 11:01:00', event: 'view_product', anon: 'a2', session: 's2' },
    { id: '7', ts: '2025-03-01 11:02:00', event: 'add_to_cart', anon: 'a2', session: 's2' },
    // s3: C2 took another path (visit → search).
    { id: '8', ts: '2025-03-02 09:00:00', event: 'visit', customer: 'C2', anon: 'a3', session: 's3' },
    { id: '9', ts: '2025-03-02 09:01:00', event: 'search', customer: 'C2', anon: 'a3', session: 's3' },
    // s4: C3, a page_view before the visit and a purchase after the third step: still the path.
    { id: '10', ts: '2025-03-02 12:00:00', event: 'page_view', customer: 'C3', anon: 'a4', session: 's4' },
    { id: '11', ts: '2025-03-02 12:01:00', event: 'visit', customer: 'C3', anon: 'a4', session: 's4' },
    { id: '12', ts: '2025-03-02 12:02:00', event: 'view_product', customer: 'C3', anon: 'a4', session: 's4' },
    { id: '13', ts: '2025-03-02 12:03:00', event: 'add_to_cart', customer: 'C3', anon: 'a4', session: 's4' },
    { id: '14', ts: '2025-03-02 12:04:00', event: 'purchase', customer: 'C3', anon: 'a4', session: 's4' },
    // s5: C4's events tie at one second: add_to_cart sorts before view_product, a different path.
    { id: '15', ts: '2025-03-03 08:00:00', event: 'visit', customer: 'C4', anon: 'a5', session: 's5' },
    { id: '16', ts: '2025-03-03 08:01:00', event: 'view_product', customer: 'C4', anon: 'a5', session: 's5' },
    { id: '17', ts: '2025-03-03 08:01:00', event: 'add_to_cart', customer: 'C4', anon: 'a5', session: 's5' },
    // s6: the visit is anonymous, the customer logs in later: the anchor's actor is anonymous.
    { id: '18', ts: '2025-03-03 09:00:00', event: 'visit', anon: 'a6', session: 's6' },
    { id: '19', ts: '2025-03-03 09:01:00', event: 'view_product', customer: 'C5', anon: 'a6', session: 's6' },
    { id: '20', ts: '2025-03-03 09:02:00', event: 'add_to_cart', customer: 'C5', anon: 'a6', session: 's6' },
    // C1 again in s7: counted once.
    { id: '21', ts: '2025-03-04 07:00:00', event: 'visit', customer: 'C1', anon: 'a1', session: 's7' },
    { id: '22', ts: '2025-03-04 07:01:00', event: 'view_product', customer: 'C1', anon: 'a1', session: 's7' },
    { id: '23', ts: '2025-03-04 07:02:00', event: 'add_to_cart', customer: 'C1', anon: 'a1', session: 's7' },
  ];
  const path = ['visit', 'view_product', 'add_to_cart'];
  const slice: Slice = { start_event: 'visit', steps: 3, as_of: '2025-03-10' };

  it('holds the customers of the sessions that took the path; a refresh follows the warehouse', async () => {
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      // Hand-worked: s1 and s7 (C1), s4 (C3); s2 is anonymous, s5 ties the other way, s6's anchor is anonymous.
      expect(bruteMembers(await rawRows(engine), slice, path)).toEqual(['C1', 'C3']);
      // The report counts s1, s2, s4, s6 and s7: 5 sessions by 4 actors (C1, a2, C3, a6).
      const report = await pathsReport(ctx, slice);
      expect(report.groups[0]!.paths.find((p) => p.path.join() === path.join())).toMatchObject({
        sessions: 5,
        actors: 4,
      });
      const definition = { source: 'paths', params: slice, path };
      const saved = await saveSegment(ctx, { name: 'carted', definition });
      expect(saved.member_count).toBe(2);
      expect(await ids(engine, saved.segment_id)).toEqual(['C1', 'C3']);
      // Actor customer: s6's visit has no customer id, so its session has no actor.
      const customers = await saveSegment(ctx, {
        name: 'carted customers',
        definition: { ...definition, params: { ...slice, actor: 'customer' } },
      });
      expect(await ids(engine, customers.segment_id)).toEqual(['C1', 'C3']);

      // The warehouse changes: C6 takes the path, C3's session gains an earlier visit that makes its path visit → page_view.
      await engine.exec(
        sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, session_id, row_hash, run_id) VALUES ${list(
          [
            ['30', '2025-03-05 10:00:00', 'visit', 'C6', 's8'],
            ['31', '2025-03-05 10:01:00', 'view_product', 'C6', 's8'],
            ['32', '2025-03-05 10:02:00', 'add_to_cart', 'C6', 's8'],
            ['33', '2025-03-02 11:59:00', 'visit', 'C3', 's4'],
          ].map(
            ([id, ts, event, customer, session]) =>
              sql`(${id}, CAST(${ts} AS TIMESTAMP), 0, ${event}, ${customer}, NULL, ${session}, 0, 2)`,
          ),
        )}`,
      );
      expect(bruteMembers(await rawRows(engine), slice, path)).toEqual(['C1', 'C6']);
      const refreshed = await refreshSegment(ctx, saved.segment_id);
      expect(refreshed.member_count).toBe(2);
      expect(await ids(engine, saved.segment_id)).toEqual(['C1', 'C6']);
    });
  });

  it('refuses slices the report cannot give, naming the field', async () => {
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      const save = (definition: object) =>
        saveSegment(ctx, { name: 'x', definition: { source: 'paths', ...definition } });
      await rejects(
        save({ params: { ...slice, actor: 'anonymous' }, path }),
        'VALIDATION_FAILED',
        /actor: anonymous .*not customers/,
      );
      await rejects(
        save({ params: slice, path: ['search', 'visit'] }),
        'VALIDATION_FAILED',
        /path: paths from visit start with it/,
      );
      await rejects(save({ params: { ...slice, steps: 2 }, path }), 'VALIDATION_FAILED', /at most 2/);
      await rejects(
        save({
          params: { end_event: 'add_to_cart', steps: 3, as_of: slice.as_of },
          path: ['visit', 'view_product'],
        }),
        'VALIDATION_FAILED',
        /paths to add_to_cart end with it/,
      );
      await rejects(
        save({ params: { ...slice, breakdown: 'source' }, path }),
        'VALIDATION_FAILED',
        /breakdown_value: the report breaks down by web_events.source/,
      );
      await rejects(save({ params: slice, path, breakdown_value: 'x' }), 'VALIDATION_FAILED', /no breakdown/);
      await rejects(
        save({ params: { ...slice, start_event: 'vist' }, path }),
        'VALIDATION_FAILED',
        /did you mean "visit"/,
      );
    });
  });
});

describe('paths saved as a target group: the demo company over HTTP', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let rows: Row[];
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    app = await buildApp({ engine, root: ROOT, now: () => DEMO_NOW });
    rows = await rawRows(engine);
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const cases: { name: string; slice: Slice }[] = [
    { name: 'from a visit, 4 steps', slice: { start_event: 'visit', steps: 4, as_of: DEMO_AS_OF } },
    {
      name: 'to a purchase by source, page views left out',
      slice: {
        end_event: 'purchase',
        steps: 3,
        exclude_events: ['page_view'],
        breakdown: 'source',
        as_of: DEMO_AS_OF,
      },
    },
  ];
  for (const { name, slice } of cases) {
    it(`${name}: POST /v1/segments saves exactly the brute-force customers of the top path`, async () => {
      const report = await pathsReport(reportContext(engine), { ...slice, limit: 3 });
      // The top path of the last group (with a breakdown: a named source, after NULL).
      const g = report.groups.at(-1)!;
      const picks = [{ g, p: g.paths[0]! }];
      if (slice.breakdown) expect(g.breakdown_value).not.toBeNull();
      for (const [i, { g, p }] of picks.entries()) {
        const value = slice.breakdown ? (g.breakdown_value as string | null) : undefined;
        const expected = bruteMembers(rows, slice, p.path, value);
        // A slice that could be empty proves little: the top paths have customers.
        expect(expected.length).toBeGreaterThan(0);
        const r = await app.inject({
          method: 'POST',
          url: '/v1/segments',
          payload: {
            name: `path ${name} ${i}`,
            definition: {
              source: 'paths',
              params: slice,
              path: p.path,
              ...(value === undefined ? {} : { breakdown_value: value }),
            },
          },
        });
        expect(r.statusCode, r.body).toBe(201);
        const members = await app.inject({
          method: 'GET',
          url: `/v1/segments/${r.json().segment_id}/members`,
          headers: { accept: 'application/json' },
        });
        const got = members
          .json()
          .data.map((m: { customer_id: string }) => m.customer_id)
          .sort();
        expect(got).toEqual(expected);
        // The target groups page describes it in words.
        const listed = await app.inject({ method: 'GET', url: `/v1/segments/${r.json().segment_id}` });
        expect(listed.json().definition_text).toContain(
          `Paths report: customers whose sessions took ${p.path.join(' → ')}`,
        );
      }
    });
  }

  it('answers 400 with the field for a path the report cannot give', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/segments',
      payload: {
        name: 'bad path',
        definition: { source: 'paths', params: { start_event: 'visit', steps: 3 }, path: ['purchase'] },
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/path: paths from visit start with it, not purchase/);
  });
});
