import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { AppError } from '../../src/errors';
import type { ReportContext } from '../../src/reports/common/context';
import { funnel, funnelActors, planFunnel } from '../../src/reports/funnel';
import { list, sql } from '../../src/sql';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

/** One actor's events: [seconds after 2025-03-01 00:00 UTC, event, source?]. */
type Ev = [number, string, string?];

const T0 = Date.UTC(2025, 2, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 19).replace('T', ' ');

async function insert(engine: Engine, actors: Record<string, Ev[]>): Promise<void> {
  const rows = Object.entries(actors).flatMap(([actor, evs]) =>
    evs.map(
      ([s, event, source], i) =>
        sql`(${`${actor}-${i}`}, CAST(${at(s)} AS TIMESTAMP), 0, ${event}, ${actor.startsWith('C') ? actor : null}, ${`anon-${actor}`}, ${source ?? null}, 0, 1)`,
    ),
  );
  await engine.exec(
    sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, source, row_hash, run_id) VALUES ${list(rows)}`,
  );
}

/** Levels (and times to step 2 in seconds) per actor of a funnel over a fresh warehouse. */
async function levels(actors: Record<string, Ev[]>, params: Record<string, unknown>) {
  const engine = await memoryWarehouse();
  try {
    await insert(engine, actors);
    const ctx = reportContext(engine);
    const plan = await planFunnel(ctx, { as_of: '2025-04-01', ...params });
    const rows = (await engine.query(plan.actors)).rows;
    const reach = (await engine.query(plan.reach)).rows;
    const out: Record<string, { level: number; breakdown: unknown; seconds: (number | undefined)[] }> = {};
    for (const name of Object.keys(actors)) {
      const actor = name.startsWith('C') ? name : `anon-${name}`;
      const r = rows.find((x) => x['actor'] === actor);
      const times = reach.filter((x) => x['actor'] === actor).sort((a, b) => Number(a['k']) - Number(b['k']));
      out[name] = {
        level: r === undefined ? 0 : Number(r['level']),
        breakdown: r?.['breakdown'] ?? null,
        seconds: times.map((x) => Number(x['d_us']) / 1e6),
      };
    }
    return out;
  } finally {
    await engine.close();
  }
}

const level = async (actors: Record<string, Ev[]>, params: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(await levels(actors, params)).map(([a, r]) => [a, r.level]));

describe('funnel: hand-worked cases', () => {
  const H = 3600;
  const basic = ['visit', 'view_product', 'add_to_cart'];

  it('ordered: ties count in either order; the window is inclusive to the microsecond', async () => {
    expect(
      await level(
        {
          tied: [
            [0, 'visit'],
            [0, 'view_product'],
            [0, 'add_to_cart'],
          ],
          reversedTie: [
            [10, 'add_to_cart'],
            [10, 'view_product'],
            [10, 'visit'],
          ],
          edge: [
            [0, 'visit'],
            [H, 'view_product'],
            [2 * H, 'add_to_cart'],
          ],
          pastEdge: [
            [0, 'visit'],
            [H, 'view_product'],
            [2 * H + 1, 'add_to_cart'],
          ],
          laterStart: [
            [0, 'visit'],
            [H, 'visit'],
            [2 * H, 'view_product'],
            [3 * H, 'add_to_cart'],
          ],
          outOfOrder: [
            [0, 'add_to_cart'],
            [1, 'view_product'],
            [2, 'visit'],
          ],
          noStart: [
            [0, 'view_product'],
            [1, 'add_to_cart'],
          ],
        },
        { steps: basic, window: '2h' },
      ),
    ).toEqual({ tied: 3, reversedTie: 3, edge: 3, pastEdge: 2, laterStart: 3, outOfOrder: 1, noStart: 0 });
  });

  it('ordered with a repeated step: tied events are matched as a set, not in a fixed order', async () => {
    const steps = ['view_product', 'add_to_cart', 'view_product'];
    expect(
      await level(
        {
          // view, then cart and view at the same second: steps 2 and 3 in one tie (cart before view).
          cartThenViewTie: [
            [0, 'view_product'],
            [60, 'add_to_cart'],
            [60, 'view_product'],
          ],
          // all three tied: view, cart, view.
          allTied: [
            [60, 'view_product'],
            [60, 'view_product'],
            [60, 'add_to_cart'],
          ],
          // one view and one cart tied: two views are needed.
          oneView: [
            [60, 'view_product'],
            [60, 'add_to_cart'],
          ],
          // view, cart, and the only later view is the first one: no.
          viewCart: [
            [0, 'view_product'],
            [60, 'add_to_cart'],
          ],
        },
        { steps, window: '1h' },
      ),
    ).toEqual({ cartThenViewTie: 3, allTied: 3, oneView: 2, viewCart: 2 });
  });

  it('strict: only step i+1 events may fall between e_i and e_{i+1}; the last of a run is chosen', async () => {
    const actors: Record<string, Ev[]> = {
      interrupted: [
        [0, 'visit'],
        [1, 'add_to_cart'],
        [2, 'view_product'],
      ],
      // a later visit restarts the chain: visit@2, view@3, cart@4.
      restarted: [
        [0, 'visit'],
        [1, 'add_to_cart'],
        [2, 'visit'],
        [3, 'view_product'],
        [4, 'add_to_cart'],
      ],
      // repeated views between visit and cart: the last view is e2.
      run: [
        [0, 'visit'],
        [1, 'view_product'],
        [2, 'view_product'],
        [3, 'add_to_cart'],
      ],
      // events of no step never interrupt.
      search: [
        [0, 'visit'],
        [1, 'search'],
        [2, 'view_product'],
        [3, 'search'],
        [4, 'add_to_cart'],
      ],
      // visit and view tied, then another view, then cart: e2 must be the later view.
      tieThenRun: [
        [0, 'visit'],
        [0, 'view_product'],
        [1, 'view_product'],
        [2, 'add_to_cart'],
      ],
      // a second visit between view and cart interrupts.
      visitBetween: [
        [0, 'visit'],
        [1, 'view_product'],
        [2, 'visit'],
        [3, 'add_to_cart'],
      ],
    };
    expect(await level(actors, { steps: basic, mode: 'strict' })).toEqual({
      interrupted: 1,
      restarted: 3,
      run: 3,
      search: 3,
      tieThenRun: 3,
      visitBetween: 2,
    });
    expect(await level(actors, { steps: basic, mode: 'ordered' })).toEqual({
      interrupted: 2,
      restarted: 3,
      run: 3,
      search: 3,
      tieThenRun: 3,
      visitBetween: 3,
    });
  });

  it('unordered: any order within one span of W; repeated steps need as many events', async () => {
    const actors: Record<string, Ev[]> = {
      reversed: [
        [0, 'add_to_cart'],
        [10, 'view_product'],
        [20, 'visit'],
      ],
      tooWide: [
        [0, 'add_to_cart'],
        [10, 'view_product'],
        [H + 1, 'visit'],
      ],
      exactlyW: [
        [0, 'add_to_cart'],
        [10, 'view_product'],
        [H, 'visit'],
      ],
    };
    expect(await level(actors, { steps: basic, mode: 'unordered', window: '1h' })).toEqual({
      reversed: 3,
      tooWide: 2,
      exactlyW: 3,
    });
    const twice = { steps: ['view_product', 'view_product', 'add_to_cart'], mode: 'unordered', window: '1h' };
    expect(
      await level(
        {
          one: [
            [0, 'view_product'],
            [5, 'add_to_cart'],
          ],
          two: [
            [0, 'view_product'],
            [0, 'view_product'],
            [5, 'add_to_cart'],
          ],
        },
        twice,
      ),
    ).toEqual({ one: 1, two: 3 });
  });

  it('time to step: the shortest chain; breakdown: step 1 of the chain that reaches the level first', async () => {
    const r = await levels(
      {
        C1: [
          [0, 'visit', 'google'],
          [100, 'visit', 'direct'],
          [150, 'view_product'],
          [400, 'add_to_cart'],
        ],
        C2: [
          [0, 'visit', 'direct'],
          [0, 'visit', 'bing'],
          [50, 'view_product'],
        ],
      },
      { steps: basic, breakdown: 'source', window: '1h' },
    );
    expect(r['C1']).toEqual({ level: 3, breakdown: 'direct', seconds: [0, 50, 300] });
    // Two step-1 events at the chain's start: the least value.
    expect(r['C2']).toEqual({ level: 2, breakdown: 'bing', seconds: [0, 50] });
    const u = await levels(
      {
        C3: [
          [0, 'view_product', 'x'],
          [10, 'visit', 'google'],
          [20, 'add_to_cart'],
        ],
      },
      { steps: basic, breakdown: 'source', window: '1h', mode: 'unordered' },
    );
    // unordered: spans of steps 1..k (visit alone 0; visit+view 10; all three 20).
    expect(u['C3']).toEqual({ level: 3, breakdown: 'google', seconds: [0, 10, 20] });
  });

  it('step rows: conversions, drop-off and times; actors behind a step as customer ids', async () => {
    const engine = await memoryWarehouse();
    try {
      await insert(engine, {
        C1: [
          [0, 'visit'],
          [60, 'view_product'],
          [120, 'add_to_cart'],
        ],
        C2: [
          [0, 'visit'],
          [180, 'view_product'],
        ],
        A3: [
          [0, 'visit'],
          [300, 'view_product'],
        ],
        C4: [[0, 'visit']],
        C5: [[0, 'view_product']],
      });
      const ctx = reportContext(engine);
      const params = { steps: basic, as_of: '2025-04-01' };
      const out = await funnel.run(ctx, funnel.schema.parse(params));
      expect(out.rows.data).toEqual([
        {
          step_index: 1,
          step: 'visit',
          actors: 4,
          conversion_from_previous: null,
          conversion_from_first: 1,
          dropped: 1,
          customers: 3,
          customers_dropped: 1,
          median_seconds_to_step: 0,
          p90_seconds_to_step: 0,
        },
        {
          step_index: 2,
          step: 'view_product',
          actors: 3,
          conversion_from_previous: 0.75,
          conversion_from_first: 0.75,
          dropped: 2,
          customers: 2,
          customers_dropped: 1,
          median_seconds_to_step: 180,
          p90_seconds_to_step: 276,
        },
        {
          step_index: 3,
          step: 'add_to_cart',
          actors: 1,
          conversion_from_previous: 1 / 3,
          conversion_from_first: 0.25,
          dropped: null,
          customers: 1,
          customers_dropped: null,
          median_seconds_to_step: 120,
          p90_seconds_to_step: 120,
        },
      ]);
      expect(out.json).toMatchObject({
        actors: 4,
        mode: 'ordered',
        window: { text: '7d', seconds: 604800 },
        as_of: '2025-04-01',
      });
      const ids = async (step: number, which: 'reached' | 'dropped') =>
        (await engine.query(await funnelActors(ctx, params, { step, which }))).rows
          .map((r) => r['customer_id'])
          .sort();
      expect(await ids(1, 'reached')).toEqual(['C1', 'C2', 'C4']);
      expect(await ids(2, 'reached')).toEqual(['C1', 'C2']);
      expect(await ids(2, 'dropped')).toEqual(['C2']);
      expect(await ids(1, 'dropped')).toEqual(['C4']);
      expect(await ids(3, 'reached')).toEqual(['C1']);
      await expect(ids(3, 'dropped')).rejects.toThrow(/nobody drops out at the last step/);
      await expect(funnelActors(ctx, params, { step: 4, which: 'reached' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    } finally {
      await engine.close();
    }
  });
});

describe('funnel parameters', () => {
  let engine: Engine;
  let ctx: ReportContext;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    ctx = reportContext(engine);
  });
  afterAll(() => engine.close());

  const fails = async (params: unknown, message: RegExp) => {
    const e = await planFunnel(ctx, params).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(AppError);
    // Both are 400s; an unknown member names the closest ones.
    expect(['VALIDATION_FAILED', 'UNKNOWN_MEMBER']).toContain((e as AppError).code);
    expect((e as AppError).message).toMatch(message);
  };

  it('rejects an unknown source, a bad window, fewer than 2 steps and unknown events', async () => {
    await fails(
      { steps: ['visit', 'purchase'], source: 'orders' },
      /invalid funnel parameters: source: .*web_events/,
    );
    await fails({ steps: ['visit', 'purchase'], window: '7 days' }, /window: "7 days" is not a duration/);
    await fails({ steps: ['visit', 'purchase'], window: '0h' }, /window: the window must be longer than 0/);
    await fails({ steps: ['visit'] }, /steps: a funnel has at least 2 steps/);
    await fails({ steps: [] }, /steps: a funnel has at least 2 steps/);
    await fails({ steps: ['visit', 'buy'] }, /steps\.1\.event: "buy" is not an event of web_events/);
    await fails(
      { steps: ['lead', 'won'], source: 'deals', actor: 'anonymous' },
      /actor: deals has no anonymous_id/,
    );
    await fails({ steps: ['visit', 'purchase'], mode: 'sequential' }, /mode/);
    await fails({ steps: ['visit', 'purchase'], extra: 1 }, /extra/);
  });

  it('rejects step filters on other cubes and breakdowns that are not dimensions of the source or a joined cube', async () => {
    await fails(
      {
        steps: [
          'visit',
          { event: 'purchase', filters: [{ member: 'customers.region', operator: 'equals', values: ['x'] }] },
        ],
      },
      /steps\.1\.filters: customers\.region is not a dimension of web_events/,
    );
    await fails(
      { steps: ['visit', 'purchase'], breakdown: 'customers.regio' },
      /unknown dimension "customers\.regio" in breakdown; did you mean customers\.region/,
    );
    await fails(
      { steps: ['visit', 'purchase'], breakdown: 'tickets.priority' },
      /breakdown: web_events does not join tickets/,
    );
    await fails({ steps: ['visit', 'purchase'], breakdown: 'occurred_at' }, /time dimension/);
    // Saved-segment membership is a filter: as a breakdown it would list customer ids.
    await fails(
      { steps: ['visit', 'purchase'], breakdown: 'customers.segment' },
      /breakdown: customers\.segment filters by saved segment membership and cannot be a breakdown/,
    );
    // A correlation property is planned as a breakdown when the report runs.
    const viaCorrelation = await funnel
      .run(
        ctx,
        funnel.schema.parse({ steps: ['visit', 'purchase'], correlation_properties: ['customers.segment'] }),
      )
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect((viaCorrelation as AppError).message).toMatch(
      /customers\.segment filters by saved segment membership/,
    );
  });

  it('an empty source gives a funnel of zeros', async () => {
    const out = await funnel.run(
      ctx,
      funnel.schema.parse({ steps: ['visit', 'purchase'], mode: 'unordered' }),
    );
    expect(out.json['as_of']).toBeNull();
    expect(
      out.rows.data.map((r) => [
        r['actors'],
        r['conversion_from_first'],
        r['dropped'],
        r['median_seconds_to_step'],
      ]),
    ).toEqual([
      [0, null, 0, null],
      [0, null, null, null],
    ]);
  });

  it('accepts plain strings, objects with filters and labels, and the documented durations', async () => {
    const parsed = funnel.schema.parse({
      steps: [
        'visit',
        { event: 'purchase', label: 'bought', filters: [{ member: 'web_events.source', operator: 'set' }] },
      ],
      window: '1d12h',
    });
    expect(parsed.steps[0]).toEqual({ event: 'visit', filters: [] });
    expect(parsed).toMatchObject({ source: 'web_events', mode: 'ordered', actor: 'customer_then_anonymous' });
    for (const [w, s] of [
      ['7d', 604800],
      ['36h', 129600],
      ['30m', 1800],
      ['2w', 1209600],
      ['90s', 90],
    ] as const) {
      const p = await planFunnel(ctx, { steps: ['visit', 'purchase'], window: w });
      expect(p.windowSeconds).toBe(s);
    }
  });
});
