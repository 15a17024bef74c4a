import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { restrictModel } from '../../src/model/access/restrict';
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
/** Each case runs the funnel twice, on a machine other tests share: minutes under load. */
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

const CASES: [string, Record<string, unknown>][] = [
  ['ordered, window and breakdown', { steps: WEB, window: '3d', breakdown: 'medium' }],
  ['ordered, a customer breakdown', { steps: WEB, actor: 'customer', breakdown: 'customers.region' }],
  ['ordered, a JSON property breakdown', { steps: WEB.slice(0, 3), breakdown: 'properties.$browser' }],
  ['strict', { steps: WEB, mode: 'strict', window: '1d' }],
  ['strict with a breakdown', { steps: WEB, mode: 'strict', breakdown: 'source' }],
  ['unordered', { steps: WEB, mode: 'unordered' }],
  ['unordered with a breakdown', { steps: WEB, mode: 'unordered', breakdown: 'medium' }],
  [
    'repeated steps (timestamp groups), ordered',
    { steps: ['visit', 'view_product', 'view_product', 'add_to_cart'], window: '2d' },
  ],
  [
    'repeated steps, strict and unordered',
    { steps: ['view_product', 'view_product', 'view_product'], mode: 'strict' },
  ],
  ['repeated steps, unordered', { steps: ['view_product', 'view_product', 'purchase'], mode: 'unordered' }],
  [
    'filtered steps of one event (Hall constraints of several bits), strict, a population filter',
    {
      steps: ['visit', { event: 'view_product', filters: [CPC] }, 'view_product', 'add_to_cart'],
      mode: 'strict',
      breakdown: 'medium',
      filters: [{ member: 'web_events.source', operator: 'notEquals', values: ['google'] }],
    },
  ],
  [
    'filtered steps of one event, unordered, an exclusion',
    {
      steps: ['visit', 'view_product', { event: 'view_product', filters: [CPC] }, 'add_to_cart'],
      mode: 'unordered',
      exclusions: ['search'],
    },
  ],
  ['sessions', { steps: WEB.slice(0, 4), actor: 'session' }],
  ['anonymous visitors', { steps: WEB.slice(0, 3), actor: 'anonymous', window: '12h' }],
  ['a time zone', { steps: WEB, timezone: 'America/New_York', conversion_over_time: 'week' }],
  [
    'conversion over time and time to convert',
    { steps: WEB, conversion_over_time: 'day', time_to_convert_bins: 7 },
  ],
  [
    'campaign responses',
    { source: 'campaign_responses', steps: ['sent', 'opened', 'clicked'], window: '30d' },
  ],
  ['deals', { source: 'deals', steps: ['lead', 'qualified', 'proposal', 'won'], window: '365d' }],
  ['exclusions over the whole path', { steps: WEB, exclusions: ['search'] }],
  [
    'exclusions over a step range',
    { steps: WEB, exclusions: [{ event: 'view_cart', from_step: 2, to_step: 4 }, 'download'] },
  ],
  ['event correlation', { steps: WEB.slice(0, 3), correlation: true }],
  [
    'property correlation',
    { steps: WEB, actor: 'customer', correlation_properties: ['customers.region', 'medium'] },
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
        // The answer is not empty, so the comparison says something.
        expect((d as { actors: number }).actors).toBeGreaterThan(0);
        expect(diff(d, c)).toEqual([]);
      },
      SLOW,
    );
  }

  it(
    'a user restricted to one region sees the same funnel on both, and fewer actors',
    async () => {
      const restricted = restrictModel(demo.model, { name: 'rita', role: 'analyst', attributes: { region } });
      const params = { steps: WEB, actor: 'customer', breakdown: 'customers.region', exclusions: ['search'] };
      const { d, c } = await both(restricted, params);
      expect(diff(d, c)).toEqual([]);
      const all = await both(demo.model, params);
      const values = (d as { breakdown: { values: { value: unknown }[] } }).breakdown.values;
      expect(values.map((v) => v.value)).toEqual([region]);
      expect((d as { actors: number }).actors).toBeLessThan((all.d as { actors: number }).actors);
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
