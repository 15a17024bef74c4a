import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { Model } from '../../src/model/types';
import type { ReportContext } from '../../src/reports/common/context';
import { reportRunsOn } from '../../src/reports/common/definition';
import { funnel, funnelActors } from '../../src/reports/funnel';
import { DEMO_NOW } from '../helpers/demo';
import { sameValue } from './compare';
import { type PublishedDemo, publishedDemo } from './published';

/**
 * The funnel report on the demo, on DuckDB and on its copy published into an in-process
 * ClickHouse: the same JSON (numbers to 1e-9 relative, timestamps as instants) for every mode,
 * a breakdown, conversion over time, time to convert, exclusions and correlation, also for a
 * user whose role restricts rows to one region; and the same customers saved from a step.
 */

const WEB = ['visit', 'view_product', 'add_to_cart', 'checkout', 'purchase'];
/** Each case runs the funnel twice, on a machine other tests share: longer under load. */
const SLOW = 600_000;
const CPC = { member: 'web_events.medium', operator: 'equals', values: ['cpc'] };

let demo: PublishedDemo;
let region: string;

const context = (engine: Engine, model: Model): ReportContext => ({ engine, model, now: () => DEMO_NOW });

/** Paths where the two JSON values differ (at most 5). */
function diff(a: unknown, b: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 5) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} vs ${b.length}`);
    else for (const [i, x] of a.entries()) diff(x, b[i], `${path}[${i}]`, out);
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys)
      diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (!sameValue(a, b)) {
    out.push(`${path}: DuckDB ${JSON.stringify(a)}, ClickHouse ${JSON.stringify(b)}`);
  }
  return out;
}

async function both(model: Model, params: Record<string, unknown>) {
  const parsed = funnel.schema.parse(params);
  const [d, c] = [
    (await funnel.run(context(demo.duckdb, model), parsed)).json,
    (await funnel.run(context(demo.clickhouse, model), parsed)).json,
  ];
  return { d, c };
}

/**
 * Few cases, each combining several options (the CI budget), so that every mode and its SQL path
 * (single-step chains, timestamp groups, Hall constraints of several bits, unordered anchors with
 * leads), every actor, source and kind of breakdown, and every output (conversion over time, time
 * to convert, exclusions over the path and over a step range, event and property correlation) runs
 * at least once.
 */
const CASES: [string, Record<string, unknown>][] = [
  [
    'ordered: window, breakdown, conversion over time, time to convert, exclusions over a step range',
    {
      steps: WEB,
      window: '3d',
      breakdown: 'medium',
      conversion_over_time: 'day',
      time_to_convert_bins: 7,
      exclusions: [{ event: 'view_cart', from_step: 2, to_step: 4 }, 'download'],
    },
  ],
  [
    'strict: a source breakdown in a time zone, weekly conversion over a range cut mid-week, event correlation',
    {
      steps: WEB,
      mode: 'strict',
      window: '1d',
      breakdown: 'source',
      timezone: 'America/New_York',
      conversion_over_time: 'week',
      // Wednesday to Wednesday: the first and last weeks are cut, the last one's window is open.
      filters: [
        { member: 'web_events.occurred_at', operator: 'inDateRange', values: ['2026-01-07', '2026-02-18'] },
      ],
      correlation: true,
    },
  ],
  [
    'unordered: filtered steps of one event (Hall constraints), a breakdown, exclusions over the whole path',
    {
      steps: ['visit', 'view_product', { event: 'view_product', filters: [CPC] }, 'add_to_cart'],
      mode: 'unordered',
      breakdown: 'medium',
      exclusions: ['search'],
    },
  ],
  [
    'repeated steps (timestamp groups), ordered, anonymous visitors, a JSON property breakdown',
    {
      steps: ['visit', 'view_product', 'view_product', 'add_to_cart'],
      actor: 'anonymous',
      window: '2d',
      breakdown: 'properties.$browser',
    },
  ],
  [
    'filtered steps of one event, strict, a population filter, customers, property correlation',
    {
      steps: ['visit', { event: 'view_product', filters: [CPC] }, 'view_product', 'add_to_cart'],
      mode: 'strict',
      actor: 'customer',
      filters: [{ member: 'web_events.source', operator: 'notEquals', values: ['google'] }],
      correlation_properties: ['customers.region', 'medium'],
    },
  ],
  [
    'repeated steps, unordered (the c-th row of a step), sessions',
    { steps: ['view_product', 'view_product', 'purchase'], mode: 'unordered', actor: 'session' },
  ],
  [
    'campaign responses',
    { source: 'campaign_responses', steps: ['sent', 'opened', 'clicked'], window: '30d' },
  ],
  [
    'deals, strict',
    { source: 'deals', steps: ['lead', 'qualified', 'proposal', 'won'], mode: 'strict', window: '365d' },
  ],
];

beforeAll(async () => {
  demo = await publishedDemo();
  region = demo.smallestRegion;
});

afterAll(async () => {
  await demo?.close();
});

describe('funnel on DuckDB and on ClickHouse', () => {
  it('runs on both engines', () => {
    expect(reportRunsOn(funnel, 'clickhouse')).toBe(true);
  });

  for (const [name, params] of CASES) {
    it(
      name,
      async () => {
        const { d, c } = await both(demo.model, params);
        // The answer is not empty, so the comparison says something: nor is any part asked for.
        const out = d as {
          actors: number;
          breakdown?: { values: unknown[] };
          over_time?: unknown[];
          time_to_convert?: { actors: number }[];
          correlation?: { events?: unknown[]; properties?: unknown[] };
        };
        expect(out.actors).toBeGreaterThan(0);
        if (params['breakdown']) expect(out.breakdown?.values.length).toBeGreaterThan(1);
        if (params['conversion_over_time']) expect(out.over_time?.length).toBeGreaterThan(1);
        if (params['conversion_over_time'] && params['filters']) {
          // The flags are compared below; here they are not all alike, so the comparison says something.
          const rows = out.over_time as { partial: boolean; window_closed: boolean }[];
          expect(rows.map((r) => r.partial)).toEqual([true, ...rows.slice(2).map(() => false), true]);
          expect(rows.at(-1)?.window_closed).toBe(false);
          expect(rows.at(-2)?.window_closed).toBe(true);
        }
        if (params['time_to_convert_bins'])
          expect(out.time_to_convert?.reduce((t, b) => t + b.actors, 0)).toBeGreaterThan(0);
        if (params['correlation']) expect(out.correlation?.events?.length).toBeGreaterThan(0);
        if (params['correlation_properties']) expect(out.correlation?.properties?.length).toBeGreaterThan(1);
        expect(diff(d, c)).toEqual([]);
      },
      SLOW,
    );
  }

  it(
    'a user restricted to one region sees the same funnel on both, and fewer actors',
    async () => {
      const restricted = demo.restrictedModel();
      const params = { steps: WEB, actor: 'customer', breakdown: 'customers.region', exclusions: ['search'] };
      const { d, c } = await both(restricted, params);
      expect(diff(d, c)).toEqual([]);
      // Everyone's funnel on DuckDB alone: it only bounds the count.
      const all = (await funnel.run(context(demo.duckdb, demo.model), funnel.schema.parse(params))).json;
      const values = (d as { breakdown: { values: { value: unknown }[] } }).breakdown.values;
      expect(values.map((v) => v.value)).toEqual([region]);
      expect((d as { actors: number }).actors).toBeLessThan((all as { actors: number }).actors);
    },
    SLOW,
  );

  it(
    'saves the same customers from a step',
    async () => {
      const params = { steps: WEB, actor: 'session' };
      for (const which of ['reached', 'dropped'] as const) {
        const ids = async (engine: Engine) =>
          (
            await engine.query(await funnelActors(context(engine, demo.model), params, { step: 2, which }))
          ).rows
            .map((r) => String(r['customer_id']))
            .sort();
        const d = await ids(demo.duckdb);
        expect(d.length).toBeGreaterThan(0);
        expect(await ids(demo.clickhouse)).toEqual(d);
      }
    },
    SLOW,
  );
});
