import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine, type Engine } from '../../src/engine';
import { ensureWarehouse } from '../../src/etl';
import { modelFromTexts } from '../../src/model/load';
import { buildApp } from '../../src/server/app';
import { FailedAttempts } from '../../src/server/auth/failed-attempts';
import { verifySecret } from '../../src/server/auth/keys';
import { addUser, revokeUser, userOfKey } from '../../src/server/auth/users';
import type { LimitSettings } from '../../src/server/limits';
import { LimitedEngine, rateLimitKey, resolveLimits, Semaphore } from '../../src/server/limits';
import { ROOT } from '../helpers/demo';
import { scratchDir } from '../helpers/warehouse';
import { ENGINE_TEXT, waitFor } from './support';

/**
 * A model over generated tables: `numbers` has 100,000 rows; `endless` is a cross join of
 * 10^12 rows whose sum no test can wait for, so a query on it ends only when it is interrupted;
 * `broken` fails in the engine on every query.
 */
const MODEL = modelFromTexts({
  'limits.yml': `
cubes:
  - name: numbers
    sql: "SELECT range AS n FROM range(100000)"
    dimensions:
      - { name: n, sql: n, type: number, primary_key: true }
    measures:
      - { name: count, type: count }
      - { name: total, type: sum, sql: n }
  - name: endless
    sql: "SELECT a.range AS a, b.range AS b FROM range(1000000) a CROSS JOIN range(1000000) b"
    dimensions:
      - { name: a, sql: a, type: number, primary_key: true }
    measures:
      - { name: checksum, type: sum, sql: "(a * b) % 7" }
  - name: broken
    sql: "SELECT CAST('not a number' AS INTEGER) AS n"
    dimensions:
      - { name: n, sql: n, type: number, primary_key: true }
    measures:
      - { name: total, type: sum, sql: n }
`,
});

const LIGHT = { measures: ['numbers.count', 'numbers.total'] };
const ENDLESS = { measures: ['endless.checksum'] };

async function openEngine(poolSize: number): Promise<Engine> {
  const engine = await DuckDbEngine.open({ path: ':memory:', poolSize });
  await ensureWarehouse(engine);
  return engine;
}

async function serve(engine: Engine, limits: Partial<LimitSettings>): Promise<FastifyInstance> {
  return buildApp({ engine, root: ROOT, model: MODEL, limits });
}

const post = (app: FastifyInstance, url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('the per-query timeout', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    // One connection: a query left running would block every later one, so each answer after
    // a timeout shows the engine really was interrupted.
    engine = await openEngine(1);
    app = await serve(engine, { queryTimeoutMs: 200 });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it.each([
    ['JSON', '/v1/query', {}],
    ['CSV', '/v1/query', { accept: 'text/csv' }],
    ['Arrow', '/v1/query', { accept: 'application/vnd.apache.arrow.stream' }],
    ['Cube JSON', '/cubejs-api/v1/load', {}],
  ])('interrupts a %s query and answers 504 QUERY_TIMEOUT', async (_, url, headers) => {
    const r = await post(app, url, { query: ENDLESS }, headers);
    expect(r.statusCode).toBe(504);
    expect(r.json()).toMatchObject({
      code: 'QUERY_TIMEOUT',
      message: 'The query was interrupted after its time limit',
    });
    const after = await post(app, '/v1/query', { query: LIGHT });
    expect(after.statusCode).toBe(200);
    // 0 + 1 + … + 99,999
    expect(after.json().data).toEqual([{ 'numbers.count': 100_000, 'numbers.total': 4_999_950_000 }]);
  });

  it('bounds every engine call a route makes, in sessions and transactions too', async () => {
    const limited = new LimitedEngine(engine, {
      timeoutMs: 200,
      maxStreamRows: 10,
      semaphore: new Semaphore(2, 1000),
    });
    const endless = 'SELECT sum((a.range * b.range) % 7) FROM range(1000000) a CROSS JOIN range(1000000) b';
    await expect(limited.query(endless)).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    await expect(limited.withSession((s) => s.query(endless))).rejects.toMatchObject({
      code: 'QUERY_TIMEOUT',
    });
    await expect(limited.transaction((s) => s.exec(endless))).rejects.toMatchObject({
      code: 'QUERY_TIMEOUT',
    });
    const drain = async () => {
      for await (const _ of limited.stream(endless, 'csv')) {
        // draining
      }
    };
    await expect(drain()).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    const capped = async () => {
      for await (const _ of limited.stream('SELECT range FROM range(11)', 'arrow')) {
        // draining
      }
    };
    await expect(capped()).rejects.toMatchObject({ code: 'ROW_LIMIT_EXCEEDED' });
    // A statement that sets its own time limit keeps it.
    expect((await limited.query('SELECT 42 AS x', { timeoutMs: 5000 })).rows).toEqual([{ x: 42 }]);
  });
});

describe('the request body limit', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await openEngine(2);
    app = await serve(engine, { bodyLimitBytes: 2048 });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('answers 413 PAYLOAD_TOO_LARGE above the limit and runs the query below it', async () => {
    const padded = (bytes: number) => {
      const body = { query: LIGHT, cache: '' };
      body.cache = 'x'.repeat(bytes - JSON.stringify(body).length);
      return JSON.stringify(body);
    };
    const over = await app.inject({
      method: 'POST',
      url: '/v1/query',
      payload: padded(2049),
      headers: { 'content-type': 'application/json' },
    });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'the request body is larger than the limit of 2048 bytes',
    });
    const under = await app.inject({
      method: 'POST',
      url: '/v1/query',
      payload: padded(2048),
      headers: { 'content-type': 'application/json' },
    });
    expect(under.statusCode).toBe(200);
  });
});

describe('rate limiting', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await openEngine(2);
    app = await serve(engine, { rateLimitPerMinute: 3 });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const meta = (ip: string) => app.inject({ method: 'GET', url: '/v1/meta', remoteAddress: ip });

  it('answers 429 RATE_LIMITED with Retry-After once a client passes its limit, per client', async () => {
    for (let i = 0; i < 3; i++) expect((await meta('10.0.0.1')).statusCode).toBe(200);
    const limited = await meta('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', details: { limitPerMinute: 3 } });
    const retry = Number(limited.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // Every request counts, even one for a route that does not exist.
    const unknown = await app.inject({ method: 'GET', url: '/no/such/route', remoteAddress: '10.0.0.1' });
    expect(unknown.statusCode).toBe(429);
    // Another client has its own budget, and /health is never limited.
    expect((await meta('10.0.0.2')).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect(
        (await app.inject({ method: 'GET', url: '/health', remoteAddress: '10.0.0.1' })).statusCode,
      ).toBe(200);
    }
  });

  it('counts a verified credential as the client, hashed; an unverified one against the IP', () => {
    const request = (authorization: string | undefined, ip: string) =>
      ({ headers: authorization ? { authorization } : {}, ip }) as Parameters<typeof rateLimitKey>[0];
    const known = (token: string) => token === 'secret-one';
    const a = rateLimitKey(request('Bearer secret-one', '10.0.0.1'), known);
    expect(rateLimitKey(request('Bearer secret-one', '10.0.0.9'), known)).toBe(a);
    expect(a).not.toContain('secret-one');
    expect(a).not.toBe('ip:10.0.0.1');
    expect(rateLimitKey(request('Bearer secret-two', '10.0.0.1'), known)).toBe('ip:10.0.0.1');
    expect(rateLimitKey(request('Bearer secret-one', '10.0.0.1'))).toBe('ip:10.0.0.1');
    expect(rateLimitKey(request(undefined, '10.0.0.1'), known)).toBe('ip:10.0.0.1');
  });
});

describe('guessing keys', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let key: string;
  let keyId: string;
  beforeAll(async () => {
    engine = await openEngine(2);
    const added = await addUser(engine, { name: 'ana', role: 'analyst', attributes: {} });
    key = added.key;
    keyId = added.user.keyId;
    app = await serve(engine, { rateLimitPerMinute: 3 });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const meta = (ip: string, token: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/meta',
      remoteAddress: ip,
      headers: { authorization: `Bearer ${token}` },
    });
  const guess = (i: number) => `rk_${keyId}_${String(i).padStart(43, 'x')}`;

  it('counts made-up tokens against their IP: a new token brings no new budget', async () => {
    const statuses = [];
    for (const token of ['junk-1', 'junk-2', guess(3), 'junk-4', guess(5)])
      statuses.push((await meta('10.0.1.1', token)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('a verified key has its own budget, apart from its IP', async () => {
    const statuses = [];
    // The first use counts against the IP (the key is not verified yet), the next three against the key.
    for (let i = 0; i < 5; i++) statuses.push((await meta('10.0.2.1', key)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await meta('10.0.2.1', 'junk')).statusCode).toBe(401);
  });

  it('past 30 failed sign-ins in a minute an address is refused before its credentials are checked', async () => {
    const open = await serve(engine, { rateLimitPerMinute: 0 });
    try {
      const as = (ip: string, token: string) =>
        open.inject({
          method: 'GET',
          url: '/v1/meta',
          remoteAddress: ip,
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await as('10.0.3.1', key)).statusCode).toBe(200);
      const statuses = [];
      for (let i = 0; i < 31; i++) statuses.push((await as('10.0.3.1', `junk-${i}`)).statusCode);
      expect(statuses).toEqual([...Array(30).fill(401), 429]);
      const refused = await as('10.0.3.1', guess(7));
      expect([refused.statusCode, refused.json().code, refused.json().details.failedPerMinute]).toEqual([
        429,
        'RATE_LIMITED',
        30,
      ]);
      // A key verified before keeps working; another address is not concerned.
      expect((await as('10.0.3.1', key)).statusCode).toBe(200);
      expect((await as('10.0.3.2', 'junk')).statusCode).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('counts failed sign-ins per address and minute', () => {
    let now = 120_000;
    const failures = new FailedAttempts(2, () => now);
    failures.record('a');
    failures.record('a');
    failures.record('b');
    expect([failures.exhausted('a'), failures.exhausted('b')]).toEqual([true, false]);
    expect(failures.retryAfterSeconds()).toBe(60);
    now += 45_000;
    expect(failures.retryAfterSeconds()).toBe(15);
    now += 15_000;
    expect(failures.exhausted('a')).toBe(false);
  });

  it('a well-formed key costs one scrypt whether its id exists, is revoked or not: no timing oracle', async () => {
    const revokedId = (await addUser(engine, { name: 'old', role: 'analyst', attributes: {} })).user.keyId;
    await revokeUser(engine, 'old');
    let calls = 0;
    const counting: typeof verifySecret = (...args) => {
      calls++;
      return verifySecret(...args);
    };
    const costOf = async (token: string) => {
      calls = 0;
      const user = await userOfKey(engine, token, counting);
      return [user?.name, calls];
    };
    expect(await costOf(key)).toEqual(['ana', 1]);
    expect(await costOf(guess(1))).toEqual([undefined, 1]);
    expect(await costOf(`rk_${'0'.repeat(16)}_${'y'.repeat(43)}`)).toEqual([undefined, 1]);
    expect(await costOf(key.replace(keyId, revokedId))).toEqual([undefined, 1]);
    expect(await costOf('rk_malformed')).toEqual([undefined, 0]);
  });
});

describe('the row limits', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await openEngine(2);
    app = await serve(engine, { maxRows: 100, maxExportRows: 500 });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const rows = (limit?: number) => ({ dimensions: ['numbers.n'], order: { 'numbers.n': 'asc' }, limit });

  it('refuses a JSON query above max rows and caps one without a limit', async () => {
    const over = await post(app, '/v1/query', { query: rows(101) });
    expect(over.statusCode).toBe(400);
    expect(over.json()).toEqual({
      code: 'INVALID_QUERY',
      message: 'limit 101 is above the maximum of 100 rows; page with offset',
      details: { maxLimit: 100 },
    });
    expect((await post(app, '/v1/query', { query: rows(100) })).json().data).toHaveLength(100);
    expect((await post(app, '/v1/query', { query: rows() })).json().data).toHaveLength(100);
  });

  it('lets a CSV export go up to the export cap and no further', async () => {
    const csv = await post(app, '/v1/query', { query: rows(500) }, { accept: 'text/csv' });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trim().split('\n');
    expect(lines).toHaveLength(501);
    expect(lines[500]).toBe('499');
    const over = await post(app, '/v1/query', { query: rows(501) }, { accept: 'text/csv' });
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({ code: 'INVALID_QUERY', details: { maxLimit: 500 } });
  });
});

describe('the cap on concurrent queries', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await openEngine(4);
    app = await serve(engine, { maxConcurrentQueries: 1, queueTimeoutMs: 200, queryTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('serves /health and cached answers while the cap is full, and turns queued work away after the queue timeout', async () => {
    const warm = await post(app, '/v1/query', { query: LIGHT });
    expect(warm.statusCode).toBe(200);
    // The endless query takes the only slot; it is ended by closing the app below.
    const endless = post(app, '/v1/query', { query: ENDLESS, cache: 'no-cache' }).catch(() => undefined);
    await waitFor(app, (h) => h.queries.running === 1);

    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', queries: { running: 1, queued: 0, limit: 1 } });
    const cached = await post(app, '/v1/query', { query: LIGHT });
    expect(cached.statusCode).toBe(200);
    expect(cached.body).toBe(warm.body);

    const queued = await post(app, '/v1/query', { query: { measures: ['numbers.count'] } });
    expect(queued.statusCode).toBe(503);
    expect(queued.headers['retry-after']).toBe('1');
    expect(queued.json()).toEqual({
      code: 'SERVER_BUSY',
      message: '1 queries are running and this one waited 200 ms for its turn; retry later',
      details: { retryAfterSeconds: 1 },
    });
    const health2 = await app.inject({ method: 'GET', url: '/health' });
    expect(health2.json().queries).toEqual({ running: 1, queued: 0, limit: 1 });
    void endless;
  });
});

describe('error hygiene', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await openEngine(2);
    app = await serve(engine, {});
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it.each([
    ['/v1/query', {}],
    ['/v1/query', { accept: 'text/csv' }],
    ['/cubejs-api/v1/load', {}],
  ])('answers an engine failure on %s with its code and no engine text', async (url, headers) => {
    const r = await post(app, url, { query: { measures: ['broken.total'] } }, headers);
    expect(r.statusCode).toBe(502);
    expect(r.json()).toMatchObject({
      code: 'ENGINE_FAILED',
      message: 'The database engine failed; see the server log',
    });
    expect(r.body).not.toMatch(ENGINE_TEXT);
    expect(r.body).not.toContain('not a number');
  });

  it('shows a failed dashboard tile with its code and no engine text', async () => {
    const scratch = scratchDir('rapport-tiles-');
    try {
      mkdirSync(join(scratch.dir, 'dashboards'));
      writeFileSync(
        join(scratch.dir, 'dashboards', 'broken.yml'),
        [
          'title: Broken',
          'tiles:',
          '  - { name: total, title: Total, chart: kpi, query: { measures: [broken.total] }, width: 3, height: 1 }',
          '  - { name: fine, title: Fine, chart: kpi, query: { measures: [numbers.count] }, width: 3, height: 1 }',
          '',
        ].join('\n'),
      );
      const tiles = await buildApp({ engine, root: scratch.dir, model: MODEL });
      try {
        const r = await tiles.inject({ method: 'GET', url: '/v1/dashboards/broken' });
        expect(r.statusCode).toBe(200);
        const [broken, fine] = r.json().tiles;
        expect(broken.error).toEqual({ code: 'ENGINE_FAILED', message: 'The database engine failed' });
        expect(fine.error).toBeUndefined();
        expect(fine.data).toEqual([{ 'numbers.count': 100_000 }]);
        expect(r.body).not.toMatch(ENGINE_TEXT);
        expect(r.body).not.toContain('not a number');
      } finally {
        await tiles.close();
      }
    } finally {
      scratch.remove();
    }
  });
});

describe('limit settings', () => {
  it('reads flags over environment variables over defaults, in the units they are written in', () => {
    const limits = resolveLimits(
      { queryTimeoutMs: '2.5', maxRows: '10' },
      { RAPPORT_MAX_ROWS: '99', RAPPORT_RATE_LIMIT: '0', RAPPORT_QUEUE_TIMEOUT: '7' },
    );
    expect(limits).toEqual({
      queryTimeoutMs: 2500,
      maxRows: 10,
      maxExportRows: 1_000_000,
      bodyLimitBytes: 4 * 1024 * 1024,
      rateLimitPerMinute: 0,
      maxConcurrentQueries: 4,
      queueTimeoutMs: 7000,
      maxJsonDepth: 64,
    });
  });

  it.each([
    [{ maxRows: '0' }, {}, '--max-rows must be a whole number of at least 1, got "0"'],
    [{ maxRows: '1.5' }, {}, '--max-rows must be a whole number of at least 1, got "1.5"'],
    [
      {},
      { RAPPORT_QUERY_TIMEOUT: 'soon' },
      '$RAPPORT_QUERY_TIMEOUT must be a number of seconds of at least 0.001, got "soon"',
    ],
  ])('refuses %j %j', (flags, env, message) => {
    expect(() => resolveLimits(flags, env)).toThrow(message);
  });
});
