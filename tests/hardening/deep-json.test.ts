import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { AuditLog, auditJson } from '../../src/server/auth/audit';
import { jsonDepth, jsonTextDepth } from '../../src/server/json-depth';
import { resolveLimits } from '../../src/server/limits';
import { type RunningCli, rapport, startRapport } from '../helpers/cli';
import { ROOT } from '../helpers/demo';
import { memoryWarehouse, scratchDir } from '../helpers/warehouse';

/** `depth` objects, one inside the other, as text (JSON.stringify itself overflows on such values). */
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const LEAF = '{"member":"customers.region","operator":"equals","values":["Western Europe"]}';
/** A filter of `levels` nested `and`s (two JSON levels each: the object and its list). */
const nestedAnd = (levels: number, op = 'and') =>
  `${`{"${op}":[`.repeat(levels)}${LEAF}${']}'.repeat(levels)}`;

describe('nesting depth: measured without recursion', () => {
  it('counts levels of parsed values and of text', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: [] }] })).toBe(4);
    expect(jsonDepth(JSON.parse(nestedObjects(100_000)))).toBe(100_000);
    expect(jsonTextDepth('{"a":"[[[{{{","b":[1]}')).toBe(2);
    expect(jsonTextDepth('{"a":"\\"[[","b":{}}')).toBe(2);
    expect(jsonTextDepth(nestedAnd(3000))).toBe(6002);
  });

  it('is a limit like the others: a flag or an environment variable, 64 by default, at most 512', () => {
    expect(resolveLimits({}, {}).maxJsonDepth).toBe(64);
    expect(resolveLimits({ maxJsonDepth: '100' }, {}).maxJsonDepth).toBe(100);
    expect(resolveLimits({}, { RAPPORT_MAX_JSON_DEPTH: '10' }).maxJsonDepth).toBe(10);
    expect(() => resolveLimits({ maxJsonDepth: '100000' }, {})).toThrow(
      '--max-json-depth must be a whole number from 1 to 512, got "100000"',
    );
  });
});

describe('the audit writer never throws from its timer', () => {
  it('keeps a deep or huge query as valid JSON, truncated with a marker', () => {
    const deep = JSON.parse(nestedObjects(20_000));
    const kept = JSON.parse(auditJson(deep)) as Record<string, unknown>;
    expect(jsonDepth(kept)).toBe(32);
    expect(JSON.stringify(kept)).toContain('[truncated: nested deeper than 32 levels]');
    const huge = JSON.parse(auditJson({ values: Array.from({ length: 50_000 }, (_, i) => `value-${i}`) }));
    expect(huge).toMatchObject({ truncated: true, chars: expect.any(Number) });
    expect(huge.head.length).toBe(64 * 1024);
    expect(JSON.parse(auditJson({ n: 10n }))).toEqual({ unserialisable: expect.any(String) });
    expect(auditJson(undefined)).toBe('null');
  });

  it('writes a deeply nested query, and logs a failing write instead of throwing', async () => {
    const engine = await memoryWarehouse();
    const warnings: string[] = [];
    const log = new AuditLog(engine, (m) => warnings.push(m), 60_000);
    try {
      log.record({
        at: new Date('2026-07-01T10:00:00Z'),
        user: 'eve',
        role: 'executive',
        method: 'POST',
        route: '/v1/reports/:name',
        url: '/v1/reports/rfm',
        query: JSON.parse(nestedObjects(50_000)),
        durationMs: 1,
        status: 400,
      });
      // An entry that cannot even be read (its date is broken) is dropped and said so.
      log.record({
        at: new Date(Number.NaN),
        user: 'bob',
        role: 'analyst',
        method: 'GET',
        route: '/v1/meta',
        url: '/v1/meta',
        query: null,
        durationMs: 1,
        status: 200,
      });
      await expect(log.flush()).resolves.toBeUndefined();
      const rows = (await engine.query('SELECT user_name, query FROM rapport_audit')).rows;
      expect(rows.map((r) => r['user_name'])).toEqual(['eve']);
      expect(String(rows[0]!['query'])).toContain('truncated');
      expect(warnings).toEqual(['audit log: dropped an entry that could not be written (GET /v1/meta)']);
    } finally {
      await log.close();
      await engine.close();
    }
  });
});

describe('a deeply nested request against a running server (rapport serve)', () => {
  const scratch = scratchDir('rapport-deep-json-');
  const db = join(scratch.dir, 'w.duckdb');
  let server: RunningCli;
  let url: string;
  let key: string;

  beforeAll(async () => {
    const added = await rapport([
      'users',
      'add',
      '--name',
      'eve',
      '--role',
      'executive',
      '--db',
      db,
      '--json',
    ]);
    expect(added.status, added.stderr).toBe(0);
    key = (JSON.parse(added.stdout) as { key: string }).key;
    server = await startRapport(
      ['serve', '--db', db, '--port', '0', '--rate-limit', '0'],
      /Open http:\/\/\S+ in a browser/,
      { env: { LOG_LEVEL: 'warn' } },
    );
    url = /Open (http:\/\/\S+?)\/? in a browser/.exec(server.output().stderr)![1]!;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    scratch.remove();
  });

  const post = (path: string, body: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });

  it('refuses it with 400 naming the limit while /health keeps answering; the process lives on and audits', async () => {
    // /health polled all the while: every answer 200, and the slowest one noted.
    let polling = true;
    let worst = 0;
    const failures: string[] = [];
    const poller = (async () => {
      while (polling) {
        const started = performance.now();
        try {
          const r = await fetch(`${url}/health`);
          if (r.status !== 200) failures.push(`status ${r.status}`);
          await r.arrayBuffer();
        } catch (e) {
          failures.push(String((e as Error).cause ?? e));
        }
        worst = Math.max(worst, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const deep = await post('/v1/reports/rfm', nestedObjects(5000));
    expect(deep.status).toBe(400);
    expect(await deep.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'the body is nested 5000 levels deep; at most 64 are allowed',
      details: { depth: 5000, maxJsonDepth: 64 },
    });
    const filters = await post('/v1/reports/forecast', `{"filters":[${nestedAnd(3000)}]}`);
    expect(filters.status).toBe(400);
    expect(((await filters.json()) as { message: string }).message).toBe(
      'the body is nested 6004 levels deep; at most 64 are allowed',
    );
    // 500 levels: a URL of 13 KB (Node refuses request heads over 16 KB with 431).
    const query = await fetch(
      `${url}/v1/query?query=${encodeURIComponent(`{"filters":[${nestedAnd(500)}]}`)}`,
      {
        headers: { authorization: `Bearer ${key}` },
      },
    );
    expect(query.status).toBe(400);
    expect(((await query.json()) as { message: string }).message).toBe(
      "the query string's query is nested 1004 levels deep; at most 64 are allowed",
    );
    // The audit log is written every second: wait for two writes, still polling.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    polling = false;
    await poller;
    process.stdout.write(`deep JSON: slowest /health answer ${Math.round(worst)} ms\n`);
    expect(failures).toEqual([]);
    expect(worst).toBeLessThan(2000);

    const normal = await post('/v1/reports/rfm', '{"limit":0}');
    expect(normal.status).toBe(200);
    const stopped = await server.stop();
    expect(stopped.stderr).not.toMatch(/RangeError|Maximum call stack/);
    const audit = await rapport(['audit', '--db', db, '--json']);
    expect(audit.status, audit.stderr).toBe(0);
    const rows = JSON.parse(audit.stdout) as { user: string; route: string; status: number }[];
    expect(rows.map((r) => [r.user, r.route, r.status])).toEqual(
      expect.arrayContaining([
        ['eve', '/v1/reports/:name', 400],
        ['eve', '/v1/reports/:name', 200],
      ]),
    );
  }, 120_000);
});

describe('deep filters on every query and report route: a 4xx with a message, never a 500', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    app = await buildApp({ engine, root: ROOT, limits: { rateLimitPerMinute: 0 } });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const filters = `[${nestedAnd(1000, 'or')}]`;
  const query = `{"measures":["orders.count"],"filters":${filters}}`;
  it.each([
    ['POST /v1/query', 'POST', '/v1/query', `{"query":${query}}`],
    ['POST /cubejs-api/v1/load', 'POST', '/cubejs-api/v1/load', `{"query":${query}}`],
    ['POST /v1/sql', 'POST', '/v1/sql', `{"query":${query}}`],
    ['POST /v1/reports/rfm', 'POST', '/v1/reports/rfm', `{"filters":${filters}}`],
    ['POST /v1/reports/forecast', 'POST', '/v1/reports/forecast', `{"filters":${filters}}`],
    [
      'POST /v1/reports/funnel',
      'POST',
      '/v1/reports/funnel',
      `{"steps":["visit","purchase"],"filters":${filters}}`,
    ],
    ['POST /v1/segments', 'POST', '/v1/segments', `{"name":"deep","definition":{"filters":${filters}}}`],
    ['GET /v1/query?query=', 'GET', `/v1/query?query=${encodeURIComponent(query)}`, undefined],
    [
      'GET /cubejs-api/v1/load?query=',
      'GET',
      `/cubejs-api/v1/load?query=${encodeURIComponent(query)}`,
      undefined,
    ],
  ])('%s', async (_, method, path, body) => {
    const r = await app.inject({
      method: method as 'GET' | 'POST',
      url: path,
      headers: { host: 'localhost', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: body }),
    });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(400);
    expect(r.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/is nested 200[0-9] levels deep; at most 64 are allowed$/),
    });
  });

  it('a query nested within the limit still answers', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/sql',
      headers: { host: 'localhost' },
      payload: JSON.parse(`{"query":{"measures":["orders.count"],"filters":[${nestedAnd(20)}]}}`),
    });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  });
});
