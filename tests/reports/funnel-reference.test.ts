import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import {
  FUNNEL_COLUMNS,
  type FunnelResult,
  type FunnelStepRow,
  funnel,
  planFunnel,
} from '../../src/reports/funnel';
import { list, sql } from '../../src/sql';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

/**
 * A brute-force funnel, written straight from docs/analytics.md "Funnel" and sharing nothing with the
 * SQL: it enumerates every chain (ordered, strict) or every assignment of steps to distinct
 * events (unordered) of one actor. Only for small inputs (a dozen events per actor).
 */

interface RefEvent {
  /** Seconds since the epoch (UTC). */
  readonly ts: number;
  readonly event: string;
  readonly customer_id: string | null;
  readonly anonymous_id: string | null;
  readonly source: string | null;
  readonly medium: string | null;
}

interface RefStep {
  readonly event: string;
  /** An extra condition on the event's properties (the step's filters), if any. */
  readonly where?: (e: RefEvent) => boolean;
}

type Mode = 'ordered' | 'strict' | 'unordered';

interface ActorResult {
  level: number;
  /** times[k-1]: the shortest time (s) from step 1 to step k over valid chains reaching k. */
  times: (number | null)[];
  /** The breakdown value (min of the step-1 events at the counted chain's start; null if none). */
  breakdown: string | null;
}

const matches = (s: RefStep, e: RefEvent) => e.event === s.event && (s.where === undefined || s.where(e));

function minValue(values: (string | null)[]): string | null {
  const present = values.filter((v): v is string => v !== null).sort();
  return present[0] ?? null;
}

/** ordered / strict: every chain e1..ek (distinct events, ts nondecreasing, span <= W). */
function chainActor(
  events: RefEvent[],
  steps: RefStep[],
  w: number,
  strict: boolean,
  bd: (e: RefEvent) => string | null,
): ActorResult {
  const n = steps.length;
  const times: (number | null)[] = Array(n).fill(null);
  let level = 0;
  // The counted chain: the one reaching the level first, then the latest-starting.
  let bestEnd = Infinity;
  let bestStart = -Infinity;
  const anyStep = (e: RefEvent) => steps.some((s) => matches(s, e));
  const chain: RefEvent[] = [];
  const used = new Set<RefEvent>();
  const record = () => {
    const k = chain.length;
    const start = chain[0]!.ts;
    const end = chain[k - 1]!.ts;
    const d = end - start;
    if (times[k - 1] === null || d < times[k - 1]!) times[k - 1] = d;
    if (k > level) {
      level = k;
      bestEnd = end;
      bestStart = start;
    } else if (k === level && (end < bestEnd || (end === bestEnd && start > bestStart))) {
      bestEnd = end;
      bestStart = start;
    }
  };
  const extend = () => {
    record();
    const k = chain.length;
    if (k === n) return;
    const last = chain[k - 1]!;
    for (const e of events) {
      if (used.has(e) || e.ts < last.ts || e.ts - chain[0]!.ts > w || !matches(steps[k]!, e)) continue;
      if (strict) {
        // No event matching any step strictly between e_k and e_{k+1}, other than step k+1's own.
        const blocked = events.some(
          (x) => x.ts > last.ts && x.ts < e.ts && anyStep(x) && !matches(steps[k]!, x),
        );
        if (blocked) continue;
      }
      chain.push(e);
      used.add(e);
      extend();
      chain.pop();
      used.delete(e);
    }
  };
  for (const e of events) {
    if (!matches(steps[0]!, e)) continue;
    chain.push(e);
    used.add(e);
    extend();
    chain.pop();
    used.delete(e);
  }
  const breakdown =
    level === 0 ? null : minValue(events.filter((e) => e.ts === bestStart && matches(steps[0]!, e)).map(bd));
  return { level, times, breakdown };
}

/** unordered: steps 1..k assigned to distinct events whose span (max − min ts) is at most W. */
function unorderedActor(
  events: RefEvent[],
  steps: RefStep[],
  w: number,
  bd: (e: RefEvent) => string | null,
): ActorResult {
  const n = steps.length;
  const times: (number | null)[] = Array(n).fill(null);
  let level = 0;
  // For the counted set: per k, the earliest min-ts of a valid set.
  const earliest: number[] = Array(n).fill(Infinity);
  const used = new Set<RefEvent>();
  const assign = (i: number, k: number, lo: number, hi: number) => {
    if (hi - lo > w) return;
    if (i === k) {
      if (times[k - 1] === null || hi - lo < times[k - 1]!) times[k - 1] = hi - lo;
      level = Math.max(level, k);
      earliest[k - 1] = Math.min(earliest[k - 1]!, lo);
      return;
    }
    for (const e of events) {
      if (used.has(e) || !matches(steps[i]!, e)) continue;
      used.add(e);
      assign(i + 1, k, Math.min(lo, e.ts), Math.max(hi, e.ts));
      used.delete(e);
    }
  };
  for (let k = 1; k <= n; k++) assign(0, k, Infinity, -Infinity);
  let breakdown: string | null = null;
  if (level > 0) {
    const anchor = earliest[level - 1]!;
    const firsts = events.filter((e) => e.ts >= anchor && matches(steps[0]!, e));
    const t = Math.min(...firsts.map((e) => e.ts));
    breakdown = minValue(firsts.filter((e) => e.ts === t).map(bd));
  }
  return { level, times, breakdown };
}

type ActorKey = 'customer_then_anonymous' | 'customer' | 'anonymous';

function actorOf(e: RefEvent, key: ActorKey): string | null {
  if (key === 'customer') return e.customer_id;
  if (key === 'anonymous') return e.anonymous_id;
  return e.customer_id ?? e.anonymous_id;
}

/** Per actor: level, shortest times and breakdown, over the events before `asOf` (epoch s). */
function referenceFunnel(
  events: readonly RefEvent[],
  steps: RefStep[],
  options: {
    window: number;
    mode: Mode;
    asOf: number;
    actor?: ActorKey;
    breakdown?: (e: RefEvent) => string | null;
    keep?: (e: RefEvent) => boolean;
  },
): Map<string, ActorResult> {
  const byActor = new Map<string, RefEvent[]>();
  for (const e of events) {
    if (e.ts >= options.asOf || (options.keep && !options.keep(e))) continue;
    const a = actorOf(e, options.actor ?? 'customer_then_anonymous');
    if (a === null) continue;
    if (!byActor.has(a)) byActor.set(a, []);
    byActor.get(a)!.push(e);
  }
  const bd = options.breakdown ?? (() => null);
  const out = new Map<string, ActorResult>();
  for (const [a, evs] of byActor) {
    const r =
      options.mode === 'unordered'
        ? unorderedActor(evs, steps, options.window, bd)
        : chainActor(evs, steps, options.window, options.mode === 'strict', bd);
    if (r.level > 0) out.set(a, r);
  }
  return out;
}

/** DuckDB's quantile_cont: linear interpolation between the closest ranks. */
function quantileCont(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

interface RefStepRow {
  actors: number;
  /** Reached step k and not k + 1; nobody drops at the last step (they completed): null. */
  dropped: number | null;
  median: number | null;
  p90: number | null;
}

/** The per-step rows of a set of actors. */
function referenceSteps(actors: Iterable<ActorResult>, n: number): RefStepRow[] {
  const list = [...actors];
  const rows: RefStepRow[] = [];
  for (let k = 1; k <= n; k++) {
    const reached = list.filter((a) => a.level >= k);
    const times = reached.map((a) => a.times[k - 1]!);
    rows.push({
      actors: reached.length,
      dropped: k === n ? null : list.filter((a) => a.level === k).length,
      median: quantileCont(times, 0.5),
      p90: quantileCont(times, 0.9),
    });
  }
  return rows;
}

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Generated events and the comparison.

const DAY0 = Date.UTC(2025, 2, 1) / 1000;
const AS_OF = '2025-03-02';
const AS_OF_S = Date.UTC(2025, 2, 2) / 1000;
const EVENTS = ['visit', 'view_product', 'view_product', 'add_to_cart', 'purchase', 'search'];
const WALK = ['visit', 'view_product', 'add_to_cart', 'view_product', 'purchase'];
const SOURCES = ['google', 'direct', null];
const MEDIA = ['cpc', 'email', 'organic'];

/**
 * People with a few events each on a half-hour grid (many ties), a quarter of them one second
 * late (window edges at exactly W and W + 1 s), some past as_of (midnight), known customers with
 * some events before login (anonymous only) and some without an anonymous id.
 */
function generate(seed: number, people: number): RefEvent[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: RefEvent[] = [];
  for (let i = 0; i < people; i++) {
    const known = r() < 0.5;
    const base = DAY0 + Math.floor(r() * 23) * 3600;
    const count = 2 + Math.floor(r() * 8);
    // Half the people walk the web funnel in order (with detours), so deep chains and
    // interruptions are common; the others do anything at any time.
    const walker = r() < 0.5;
    let slot = Math.floor(r() * 3);
    let stage = Math.floor(r() * 2);
    for (let j = 0; j < count; j++) {
      const beforeLogin = known && r() < 0.15;
      let event: string;
      if (walker && r() < 0.75) {
        // Now and then the walk starts over (a new visit in the middle of a chain).
        stage = r() < 0.15 ? 0 : stage;
        event = WALK[stage % WALK.length]!;
        stage += r() < 0.8 ? 1 : 0;
        slot += Math.floor(r() * 2);
      } else {
        event = pick(EVENTS);
        slot = walker ? slot : Math.floor(r() * 9);
      }
      out.push({
        ts: base + Math.min(slot, 8) * 1800 + (r() < 0.25 ? 1 : 0),
        event,
        customer_id: known && !beforeLogin ? `C${i}` : null,
        anonymous_id: known && !beforeLogin && r() < 0.1 ? null : `A${i}`,
        source: pick(SOURCES),
        medium: pick(MEDIA),
      });
    }
  }
  return out;
}

async function load(engine: Engine, events: readonly RefEvent[]): Promise<void> {
  const rows = events.map(
    (e, i) =>
      sql`(${`W${i}`}, CAST(${new Date(e.ts * 1000).toISOString().slice(0, 19).replace('T', ' ')} AS TIMESTAMP), 0, ${e.event}, ${e.customer_id}, ${e.anonymous_id}, ${e.source}, ${e.medium}, 0, 1)`,
  );
  await engine.exec(
    sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, source, medium, row_hash, run_id) VALUES ${list(rows)}`,
  );
}

interface Funnel {
  name: string;
  params: unknown[];
  ref: RefStep[];
}

const google = { member: 'web_events.source', operator: 'equals', values: ['google'] };
const cpc = { member: 'web_events.medium', operator: 'equals', values: ['cpc'] };
const isGoogle = (e: RefEvent) => e.source === 'google';
const isCpc = (e: RefEvent) => e.medium === 'cpc';

const FUNNELS: Funnel[] = [
  {
    name: 'visit > view_product > add_to_cart > purchase',
    params: ['visit', 'view_product', 'add_to_cart', 'purchase'],
    ref: [{ event: 'visit' }, { event: 'view_product' }, { event: 'add_to_cart' }, { event: 'purchase' }],
  },
  {
    name: 'view_product > add_to_cart > view_product (a repeated step)',
    params: ['view_product', 'add_to_cart', 'view_product'],
    ref: [{ event: 'view_product' }, { event: 'add_to_cart' }, { event: 'view_product' }],
  },
  {
    name: 'visit > view_product[google] > view_product > add_to_cart (nested classes)',
    params: ['visit', { event: 'view_product', filters: [google] }, 'view_product', 'add_to_cart'],
    ref: [
      { event: 'visit' },
      { event: 'view_product', where: isGoogle },
      { event: 'view_product' },
      { event: 'add_to_cart' },
    ],
  },
  {
    name: 'view_product x3 (identical steps)',
    params: ['view_product', 'view_product', 'view_product'],
    ref: [{ event: 'view_product' }, { event: 'view_product' }, { event: 'view_product' }],
  },
  {
    name: 'view_product[google] > view_product[cpc] > add_to_cart > view_product[google] (overlapping classes)',
    params: [
      { event: 'view_product', filters: [google] },
      { event: 'view_product', filters: [cpc] },
      'add_to_cart',
      { event: 'view_product', filters: [google] },
    ],
    ref: [
      { event: 'view_product', where: isGoogle },
      { event: 'view_product', where: isCpc },
      { event: 'add_to_cart' },
      { event: 'view_product', where: isGoogle },
    ],
  },
];

const WINDOWS: [string, number][] = [
  ['30m', 1800],
  ['1h', 3600],
  ['2h', 7200],
];
const MODES: Mode[] = ['ordered', 'strict', 'unordered'];

type Options = Parameters<typeof referenceFunnel>[2];

/** Compares per-actor levels, times and breakdown values, and the report's step rows. */
async function compare(
  ctx: ReportContext,
  events: RefEvent[],
  f: Funnel,
  params: Record<string, unknown>,
  options: Options,
) {
  const expected = referenceFunnel(events, f.ref, options);
  const input = { steps: f.params, ...params };
  const plan = await planFunnel(ctx, input);
  const actors = (await ctx.engine.query(plan.actors)).rows;
  const reach = (await ctx.engine.query(plan.reach)).rows;
  const got = new Map<string, ActorResult>();
  for (const a of actors) {
    got.set(String(a['actor']), {
      level: Number(a['level']),
      times: Array(f.ref.length).fill(null),
      breakdown: (a['breakdown'] as string | null) ?? null,
    });
  }
  for (const r of reach) got.get(String(r['actor']))!.times[Number(r['k']) - 1] = Number(r['d_us']) / 1e6;
  const sorted = (m: Map<string, ActorResult>) =>
    [...m]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([a, r]) => ({ actor: a, ...r, breakdown: options.breakdown ? r.breakdown : null }));
  expect(sorted(got)).toEqual(sorted(expected));

  const out = await funnel.run(ctx, funnel.schema.parse(input));
  const json = out.json as unknown as FunnelResult;
  const check = (rows: FunnelStepRow[], ref: RefStepRow[]) => {
    expect(rows.map((r) => [r.actors, r.dropped])).toEqual(ref.map((r) => [r.actors, r.dropped]));
    rows.forEach((r, i) => {
      const e = ref[i]!;
      for (const [g, x] of [
        [r.median_seconds_to_step, e.median],
        [r.p90_seconds_to_step, e.p90],
      ] as const) {
        if (x === null) expect(g).toBeNull();
        else expect(g).toBeCloseTo(x, 6);
      }
      expect(r.conversion_from_first).toBe(ref[0]!.actors === 0 ? null : e.actors / ref[0]!.actors);
      expect(r.conversion_from_previous).toBe(
        i === 0 || ref[i - 1]!.actors === 0 ? null : e.actors / ref[i - 1]!.actors,
      );
    });
  };
  check(json.steps, referenceSteps(expected.values(), f.ref.length));
  if (options.breakdown) {
    const values = new Map<string | null, ActorResult[]>();
    for (const r of expected.values()) {
      if (!values.has(r.breakdown)) values.set(r.breakdown, []);
      values.get(r.breakdown)!.push(r);
    }
    expect(new Set(json.breakdown!.values.map((v) => v.value))).toEqual(new Set(values.keys()));
    for (const v of json.breakdown!.values)
      check(v.steps, referenceSteps(values.get(v.value as string | null)!, f.ref.length));
    expect(out.rows.columns[0]).toBe('breakdown');
    expect(out.rows.data).toHaveLength(values.size * f.ref.length);
  } else {
    expect(out.rows.columns).toEqual([...FUNNEL_COLUMNS]);
    expect(out.rows.data).toHaveLength(f.ref.length);
  }
  return expected;
}

describe('funnel equals a brute-force enumeration of chains, actor by actor', () => {
  let engine: Engine;
  let ctx: ReportContext;
  const events = generate(20250301, 160);
  beforeAll(async () => {
    engine = await memoryWarehouse();
    await load(engine, events);
    ctx = reportContext(engine);
  });
  afterAll(() => engine.close());

  it('the generated events have ties, repeats, window edges, late events and both kinds of actors', () => {
    const byActor = new Map<string, RefEvent[]>();
    for (const e of events) {
      const a = actorOf(e, 'customer_then_anonymous')!;
      if (!byActor.has(a)) byActor.set(a, []);
      byActor.get(a)!.push(e);
    }
    const pairs = [...byActor.values()].flatMap((evs) =>
      evs.flatMap((x) => evs.filter((y) => y !== x).map((y) => y.ts - x.ts)),
    );
    expect(pairs.filter((d) => d === 0).length).toBeGreaterThan(50);
    for (const w of [1800, 3600, 7200]) {
      expect(pairs.filter((d) => d === w).length).toBeGreaterThan(10);
      expect(pairs.filter((d) => d === w + 1).length).toBeGreaterThan(10);
    }
    expect(events.filter((e) => e.ts >= AS_OF_S).length).toBeGreaterThan(10);
    expect([...byActor.keys()].filter((a) => a.startsWith('A')).length).toBeGreaterThan(20);
    expect([...byActor.keys()].filter((a) => a.startsWith('C')).length).toBeGreaterThan(20);
  });

  for (const f of FUNNELS) {
    it(`${f.name}: every mode and window, with and without a breakdown`, async () => {
      const levels = new Set<number>();
      for (const mode of MODES) {
        for (const [window, seconds] of WINDOWS) {
          for (const breakdown of [false, true]) {
            const expected = await compare(
              ctx,
              events,
              f,
              { mode, window, as_of: AS_OF, ...(breakdown ? { breakdown: 'source' } : {}) },
              {
                mode,
                window: seconds,
                asOf: AS_OF_S,
                ...(breakdown ? { breakdown: (e: RefEvent) => e.source } : {}),
              },
            );
            for (const r of expected.values()) levels.add(r.level);
          }
        }
      }
      // Every level occurs somewhere, so every step is exercised.
      expect([...levels].sort()).toEqual(f.ref.map((_, i) => i + 1));
    });
  }

  it('the week window, the default as_of (all events), a population filter and the other actor keys', async () => {
    const f = FUNNELS[1]!;
    for (const mode of MODES) {
      await compare(ctx, events, f, { mode, window: '7d' }, { mode, window: 7 * 86_400, asOf: Infinity });
      await compare(
        ctx,
        events,
        f,
        {
          mode,
          window: '1h',
          as_of: AS_OF,
          filters: [{ member: 'web_events.medium', operator: 'notEquals', values: ['email'] }],
        },
        { mode, window: 3600, asOf: AS_OF_S, keep: (e) => e.medium !== 'email' },
      );
      for (const actor of ['customer', 'anonymous'] as const) {
        await compare(
          ctx,
          events,
          FUNNELS[2]!,
          { mode, window: '2h', as_of: AS_OF, actor, breakdown: 'web_events.medium' },
          { mode, window: 7200, asOf: AS_OF_S, actor, breakdown: (e) => e.medium },
        );
      }
    }
  });

  it('as_of is a local midnight in the report time zone; the window is elapsed time', async () => {
    for (const mode of MODES) {
      await compare(
        ctx,
        events,
        FUNNELS[0]!,
        { mode, window: '1h', as_of: AS_OF, timezone: 'America/New_York' },
        { mode, window: 3600, asOf: AS_OF_S + 5 * 3600 },
      );
    }
  });

  it('a second seed, more actors, a longer funnel', async () => {
    const more = generate(7, 150);
    const e2 = await memoryWarehouse();
    try {
      await load(e2, more);
      const c2 = reportContext(e2);
      const f: Funnel = {
        name: 'five steps',
        params: ['visit', 'view_product', 'add_to_cart', 'view_product', 'purchase'],
        ref: [
          { event: 'visit' },
          { event: 'view_product' },
          { event: 'add_to_cart' },
          { event: 'view_product' },
          { event: 'purchase' },
        ],
      };
      for (const mode of MODES) {
        await compare(
          c2,
          more,
          f,
          { mode, window: '2h', as_of: AS_OF, breakdown: 'source' },
          {
            mode,
            window: 7200,
            asOf: AS_OF_S,
            breakdown: (e) => e.source,
          },
        );
      }
    } finally {
      await e2.close();
    }
  });
});
