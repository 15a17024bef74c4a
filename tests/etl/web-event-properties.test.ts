import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { RunRecord } from '../../src/etl';
import { loadModel } from '../../src/model/load';
import type { Model } from '../../src/model/types';
import { resolveQuery } from '../../src/query/resolve';
import { CubeQuerySchema } from '../../src/query/schema';
import { duckdbDialect, render } from '../../src/sql';
import { compileQuery } from '../../src/sql/compile/query';
import { accounted, runInlineJob } from '../helpers/jobs';
import { memoryWarehouse, rows, scratchDir } from '../helpers/warehouse';

const JOB = (path: string, type: 'jsonl' | 'csv') => `
name: events-${type}
source:
  type: ${type}
  path: ${path}
target: web_events
mapping:
  event_id: id
  occurred_at: ts
  event: event
  anonymous_id: anon
  customer_id: customer
  properties: props
`;

// Line numbers are the file's lines (JSONL: one record a line).
const JSONL = [
  {
    id: 'e1',
    ts: '2026-03-01 10:00:00',
    event: 'signup_completed',
    anon: 'a1',
    props: { plan: 'pro', $browser: 'Firefox', utm: { source: 'news' } },
  },
  { id: 'e2', ts: '2026-03-01 10:05:00', event: 'Purchase', anon: 'a1', props: { plan: 'pro', value: 49.5 } },
  {
    id: 'e3',
    ts: '2026-03-01 11:00:00',
    event: 'signup_completed',
    anon: 'a2',
    props: { plan: 'free', $browser: 'Chrome' },
  },
  { id: 'e4', ts: '2026-03-02 09:00:00', event: 'Video_Play', anon: 'a2' },
  {
    id: 'e5',
    ts: '2026-03-02 09:30:00',
    event: 'signup_completed',
    anon: 'a3',
    props: ['not', 'an', 'object'],
  },
  { id: 'e6', ts: '2026-03-02 09:40:00', event: 'signup_completed', anon: 'a4', props: 'plan=pro' },
  {
    id: 'e7',
    ts: '2026-03-02 09:50:00',
    event: 'signup_completed',
    anon: 'a5',
    props: { plan: 'pro', $browser: 'Chrome' },
  },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

const CSV = [
  'id,ts,event,anon,customer,props',
  'c1,2026-03-03 08:00:00,coupon_applied,a6,,"{""code"": ""SPRING"", ""plan"": ""free""}"',
  'c2,2026-03-03 08:10:00,VISIT,a6,,',
  'c3,2026-03-03 08:20:00,coupon_applied,a7,,{broken',
].join('\n');

describe('web events: any event name, with a properties object', () => {
  let engine: Engine;
  let model: Model;
  let jsonl: RunRecord;
  let csv: RunRecord;
  const scratch = scratchDir();

  const query = async (q: object) => {
    const logical = resolveQuery(model, CubeQuerySchema.parse(q), { now: new Date('2026-04-01T00:00:00Z') });
    return (await engine.query(render(compileQuery(model, logical), duckdbDialect))).rows;
  };

  beforeAll(async () => {
    engine = await memoryWarehouse();
    model = loadModel(join(import.meta.dirname, '..', '..', 'cubes'));
    jsonl = await runInlineJob(engine, scratch.dir, JOB('events.jsonl', 'jsonl'), {
      'events.jsonl': `${JSONL}\n`,
    });
    csv = await runInlineJob(engine, scratch.dir, JOB('events.csv', 'csv'), { 'events.csv': `${CSV}\n` });
  });
  afterAll(async () => {
    await engine.close();
    scratch.remove();
  });

  it('loads any event name, keeps its case, and spells the known ones as rapport does', async () => {
    expect([jsonl.status, jsonl.inserted, jsonl.rejected, accounted(jsonl)]).toEqual(['succeeded', 5, 2, 7]);
    expect([csv.status, csv.inserted, csv.rejected]).toEqual(['succeeded', 2, 1]);
    const got = await rows(engine, 'SELECT event_id, event FROM fact_web_events ORDER BY event_id');
    expect(got).toEqual([
      { event_id: 'c1', event: 'coupon_applied' },
      { event_id: 'c2', event: 'visit' },
      { event_id: 'e1', event: 'signup_completed' },
      { event_id: 'e2', event: 'purchase' },
      { event_id: 'e3', event: 'signup_completed' },
      { event_id: 'e4', event: 'Video_Play' },
      { event_id: 'e7', event: 'signup_completed' },
    ]);
  });

  it('rejects properties that are not a JSON object, naming the field and the line', async () => {
    const got = await rows(engine, 'SELECT job, line, reason, field FROM etl_rejects ORDER BY job, line');
    expect(got).toEqual([
      { job: 'events-csv', line: 4, reason: 'invalid_json', field: 'properties' },
      { job: 'events-jsonl', line: 5, reason: 'invalid_json', field: 'properties' },
      { job: 'events-jsonl', line: 6, reason: 'invalid_json', field: 'properties' },
    ]);
  });

  it('keeps the object as JSON: nested objects and numbers survive', async () => {
    const got = await rows(
      engine,
      "SELECT properties::VARCHAR AS p FROM fact_web_events WHERE event_id = 'e1'",
    );
    expect(JSON.parse(String(got[0]!['p']))).toEqual({
      plan: 'pro',
      $browser: 'Firefox',
      utm: { source: 'news' },
    });
  });

  it('makes every key a dimension: group, filter, nested keys and $-keys', async () => {
    const byPlan = await query({
      measures: ['web_events.count'],
      dimensions: ['web_events.properties.plan'],
      order: { 'web_events.properties.plan': 'asc' },
    });
    // Hand count: pro e1 e2 e7; free e3 c1; none e4 c2.
    expect(byPlan.map((r) => [r['web_events.properties.plan'], Number(r['web_events.count'])])).toEqual([
      ['free', 2],
      ['pro', 3],
      [null, 2],
    ]);
    const chromeSignups = await query({
      measures: ['web_events.visitors'],
      filters: [
        { member: 'web_events.properties.$browser', operator: 'equals', values: ['Chrome'] },
        { member: 'web_events.event', operator: 'equals', values: ['signup_completed'] },
      ],
    });
    expect(Number(chromeSignups[0]!['web_events.visitors'])).toBe(2);
    const nested = await query({
      measures: ['web_events.count'],
      dimensions: ['web_events.properties.utm.source'],
      filters: [{ member: 'web_events.properties.utm.source', operator: 'set' }],
    });
    expect(nested.map((r) => [r['web_events.properties.utm.source'], Number(r['web_events.count'])])).toEqual(
      [['news', 1]],
    );
  });

  it('compares the whole properties object as text (a fuzzer found a failed JSON cast)', async () => {
    const got = await query({
      measures: ['web_events.count'],
      filters: [{ member: 'web_events.properties', operator: 'notEquals', values: ['Paris'] }],
    });
    // Cube's notEquals keeps the rows without a value too: all 7 loaded.
    expect(Number(got[0]!['web_events.count'])).toBe(7);
  });

  it('binds the key as a value: SQL text never holds it, and a bad key is a clear error', () => {
    const key = "x') OR 1=1 --";
    const logical = resolveQuery(
      model,
      CubeQuerySchema.parse({ measures: ['web_events.count'], dimensions: [`web_events.properties.${key}`] }),
      { now: new Date('2026-04-01T00:00:00Z') },
    );
    const { text, params } = render(compileQuery(model, logical), duckdbDialect);
    // The key is a bound JSON path; in the text it is only the quoted column alias.
    expect(text).toMatch(/json_extract_string\(CAST\("web_events"\.properties AS VARCHAR\), \$\d+\)/);
    expect(text.replaceAll(`"web_events.properties.${key}"`, '')).not.toContain('OR 1=1');
    expect(params).toContain(`$."${key}"`);
    expect(() =>
      resolveQuery(
        model,
        CubeQuerySchema.parse({ measures: ['web_events.count'], dimensions: ['web_events.properties.a"b'] }),
        { now: new Date() },
      ),
    ).toThrow(/property key .* without quotes/);
    // Only a JSON dimension has keys.
    expect(() =>
      resolveQuery(
        model,
        CubeQuerySchema.parse({ measures: ['web_events.count'], dimensions: ['web_events.page.plan'] }),
        { now: new Date() },
      ),
    ).toThrow(/unknown dimension/);
  });
});
