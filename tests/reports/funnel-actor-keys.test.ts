import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { planFunnel } from '../../src/reports/funnel';
import { actorIds } from '../../src/reports/funnel/actor-keys';
import { funnelReport } from '../../src/reports/funnel/report';
import { list, type SqlNode, sql } from '../../src/sql';
import { loadDemo } from '../helpers/demo';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

const WEB = ['visit', 'view_product', 'add_to_cart', 'checkout', 'purchase'];
/** A "hash" under which every two ids of the same length collide. */
const byLength = (id: SqlNode): SqlNode => sql`length(${id})`;
const ACTOR_ID = sql`coalesce("web_events"."customer_id", "web_events"."anonymous_id")`;
const NAMED = sql`"web_events"."customer_id" IS NOT NULL`;
const distinct = async (ctx: ReportContext, hash?: (id: SqlNode) => SqlNode) =>
  (await actorIds(ctx, 'web_events', ACTOR_ID, NAMED, hash)).hashesDistinct;

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
    expect(await distinct(ctx)).toBe(true);
    expect(await distinct(ctx, byLength)).toBe(false);
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
            ids.map(
              (id, i) =>
                sql`(${`${id}-${i}`}, TIMESTAMP '2025-03-01 10:00:00', 0, 'visit', NULL, ${id}, 0, 1)`,
            ),
          )}`,
        );
      let version = 1;
      const ctx: ReportContext = { ...reportContext(engine), dataVersion: () => version };
      // Lengths 1, 3 and 5: distinct even without their lowest bit (what the check compares).
      await insert(['a', 'ccc', 'eeeee']);
      expect(await distinct(ctx, byLength)).toBe(true);
      // Same length as "ccc": the lengths collide now, but the version says nothing changed.
      await insert(['ddd']);
      expect(await distinct(ctx, byLength)).toBe(true);
      version = 2;
      expect(await distinct(ctx, byLength)).toBe(false);
      // Without a version, nothing is kept.
      expect(await distinct(reportContext(engine), byLength)).toBe(false);
    } finally {
      await engine.close();
    }
  });

  it('hashes that differ only in their lowest bit count as shared (a folded key replaces that bit)', async () => {
    const engine = await memoryWarehouse();
    try {
      await engine.exec(
        sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, row_hash, run_id) VALUES
            ('e1', TIMESTAMP '2025-03-01 10:00:00', 0, 'visit', 'bb', NULL, 0, 1),
            ('e2', TIMESTAMP '2025-03-01 10:00:00', 0, 'visit', NULL, 'ccc', 0, 1),
            ('e3', TIMESTAMP '2025-03-01 10:05:00', 0, 'view_product', 'bb', NULL, 0, 1)`,
      );
      const ctx = reportContext(engine);
      // Lengths 2 and 3: distinct hashes, but folded (customer "bb" sets the bit, anonymous "ccc"
      // clears it) both would be 3.
      expect(await distinct(ctx, byLength)).toBe(false);
      const params = { steps: ['visit', 'view_product'], as_of: '2025-04-01' };
      const r = await funnelReport(ctx, params, { actorKey: 'auto', actorHash: byLength });
      expect(r.steps.map((s) => [s.actors, s.customers])).toEqual([
        [2, 1],
        [1, 1],
      ]);
      // Keyed by id: had the check compared whole hashes, both would have folded into key 3 and
      // step 1 would count one actor.
      expect((await planFunnel(ctx, params, { actorKey: 'auto', actorHash: byLength })).actorKey).toBe('id');
    } finally {
      await engine.close();
    }
  });
});

describe('funnel: known customers where an anonymous id equals a customer id', () => {
  it('the actor is known from any of its rows, not only its step-1 rows', async () => {
    const engine = await memoryWarehouse();
    try {
      const row = (
        id: string,
        at: string,
        event: string,
        customer: string | null,
        anonymous: string | null,
      ) => sql`(${id}, CAST(${at} AS TIMESTAMP), 0, ${event}, ${customer}, ${anonymous}, 0, 1)`;
      // "C1" visits anonymously (its anonymous id is "C1"), then views a product as customer C1:
      // one actor "C1", a known customer, whose step-1 row names no customer. "A2" is anonymous.
      await engine.exec(
        sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, row_hash, run_id) VALUES ${list(
          [
            row('e1', '2025-03-01 10:00:00', 'visit', null, 'C1'),
            row('e2', '2025-03-01 10:05:00', 'view_product', 'C1', 'x'),
            row('e3', '2025-03-01 11:00:00', 'visit', null, 'A2'),
          ],
        )}`,
      );
      const ctx = reportContext(engine);
      expect(await actorIds(ctx, 'web_events', ACTOR_ID, NAMED)).toEqual({
        hashesDistinct: true,
        mixed: true,
      });
      const params = { steps: ['visit', 'view_product'], as_of: '2025-04-01' };
      const r = await funnelReport(ctx, params);
      expect(r.steps.map((s) => [s.actors, s.customers])).toEqual([
        [2, 1],
        [1, 1],
      ]);
      expect(r).toEqual(await funnelReport(ctx, params, { actorKey: 'id' }));
    } finally {
      await engine.close();
    }
  });
});
