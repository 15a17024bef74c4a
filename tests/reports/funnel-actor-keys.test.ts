import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { planFunnel } from '../../src/reports/funnel';
import { actorHashesDistinct } from '../../src/reports/funnel/actor-keys';
import { funnelReport } from '../../src/reports/funnel/report';
import { list, type SqlNode, sql } from '../../src/sql';
import { loadDemo } from '../helpers/demo';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

const WEB = ['visit', 'view_product', 'add_to_cart', 'checkout', 'purchase'];
/** A "hash" under which every two ids of the same length collide. */
const byLength = (id: SqlNode): SqlNode => sql`length(${id})`;
const ACTOR_ID = sql`coalesce("web_events"."customer_id", "web_events"."anonymous_id")`;

describe('funnel: actors keyed by hash only where that is exact', () => {
  let engine: Engine;
  let ctx: ReportContext;
  beforeAll(async () => {
    engine = (await loadDemo()).engine;
    ctx = reportContext(engine);
  }, 60_000);
  afterAll(() => engine.close());

  it('keyed by hash, every option gives the answer keyed by id', async () => {
    const cases: Record<string, unknown>[] = [
      { steps: WEB },
      { steps: WEB, mode: 'strict', window: '1d' },
      { steps: WEB, mode: 'unordered', breakdown: 'customers.region' },
      { steps: ['visit', 'view_product', 'view_product', 'purchase'], breakdown: 'web_events.medium' },
      { steps: WEB, actor: 'session', conversion_over_time: 'month', time_to_convert_bins: 5 },
      { steps: WEB, actor: 'anonymous', exclusions: ['search'] },
      { steps: ['visit', 'add_to_cart', 'purchase'], correlation: true, correlation_properties: ['source'] },
    ];
    for (const params of cases) {
      expect((await planFunnel(ctx, params, { actorKey: 'auto' })).actorKey).toBe('hash');
      const byId = await funnelReport(ctx, params, { actorKey: 'id' });
      expect(byId.steps[0]!.actors).toBeGreaterThan(0);
      expect(await funnelReport(ctx, params)).toEqual(byId);
    }
  });

  it('where two actor ids share a hash, the report keys by id, and the hash alone would be wrong', async () => {
    expect(await actorHashesDistinct(ctx, 'web_events', ACTOR_ID)).toBe(true);
    expect(await actorHashesDistinct(ctx, 'web_events', ACTOR_ID, byLength)).toBe(false);
    const params = { steps: WEB };
    expect((await planFunnel(ctx, params, { actorKey: 'auto', actorHash: byLength })).actorKey).toBe('id');
    const byId = await funnelReport(ctx, params, { actorKey: 'id' });
    expect(await funnelReport(ctx, params, { actorKey: 'auto', actorHash: byLength })).toEqual(byId);
    // Keyed by the colliding hash regardless, actors of equal id length merge into one.
    const merged = await funnelReport(ctx, params, { actorKey: 'hash', actorHash: byLength });
    expect(merged.steps[0]!.actors).toBeLessThan(byId.steps[0]!.actors);
  });
});

describe('funnel: the actor-key check is kept for one data version', () => {
  it('new ids are checked again once the version changes', async () => {
    const engine = await memoryWarehouse();
    try {
      const insert = (ids: string[]) =>
        engine.exec(
          sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, row_hash, run_id) VALUES ${list(
            ids.map((id, i) => sql`(${`${id}-${i}`}, TIMESTAMP '2025-03-01 10:00:00', 0, 'visit', NULL, ${id}, 0, 1)`),
          )}`,
        );
      let version = 1;
      const ctx: ReportContext = { ...reportContext(engine), dataVersion: () => version };
      await insert(['a', 'bb', 'ccc']);
      expect(await actorHashesDistinct(ctx, 'web_events', ACTOR_ID, byLength)).toBe(true);
      // Same length as "bb": the lengths collide now, but the version says nothing changed.
      await insert(['dd']);
      expect(await actorHashesDistinct(ctx, 'web_events', ACTOR_ID, byLength)).toBe(true);
      version = 2;
      expect(await actorHashesDistinct(ctx, 'web_events', ACTOR_ID, byLength)).toBe(false);
      // Without a version, nothing is kept.
      expect(await actorHashesDistinct(reportContext(engine), 'web_events', ACTOR_ID, byLength)).toBe(false);
    } finally {
      await engine.close();
    }
  });
});
