import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine';
import { parseJobText, runJob } from '../../../src/etl';
import { memoryWarehouse, rows, scratchDir } from '../../helpers/warehouse';

const TOKEN = 's3cret-token-do-not-log';
const PASSWORD = 'pa55-in-url-do-not-log';
const scratch = scratchDir();

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
let server: Server;
let engine: Engine;
/** Every request the API saw: path, query and the Authorization header. */
let seen: { path: string; query: Record<string, string>; auth: string | undefined; status: number }[] = [];
/** Statuses to answer before serving a path normally, keyed by "path?page=n" etc. */
let faults = new Map<string, number[]>();

const CAMPAIGNS = Array.from({ length: 5 }, (_, i) => ({
  campaign_id: `CMP${i + 1}`,
  name: i === 4 ? 'Été — ünïcode ✓' : `Campaign ${i + 1}`,
  kind: 'email',
  budget: (i + 1) * 100.5,
  meta: { owner: `E0${i}` },
}));
let events: { event_id: string; occurred_at: string; event: string; visitor: string }[] = [];

function reply(req: IncomingMessage): { status: number; body?: unknown; headers?: Record<string, string> } {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = Object.fromEntries(url.searchParams);
  if (req.headers.authorization !== `Bearer ${TOKEN}`)
    return { status: 401, body: { error: 'unauthorised' } };
  const key = `${url.pathname}?${url.searchParams.toString()}`;
  const fault = faults.get(key)?.shift();
  if (fault !== undefined)
    return { status: fault, headers: fault === 429 ? { 'retry-after': '0' } : {}, body: {} };
  if (url.pathname === '/v1/campaigns') {
    const page = Number(q['page']);
    const size = Number(q['per_page']);
    return { status: 200, body: { data: CAMPAIGNS.slice((page - 1) * size, page * size) } };
  }
  if (url.pathname === '/v1/campaigns-by-offset') {
    const offset = Number(q['offset']);
    return { status: 200, body: CAMPAIGNS.slice(offset, offset + Number(q['limit'])) };
  }
  if (url.pathname === '/v1/events') {
    const since = q['updated_since'];
    const all = events.filter((e) => since === undefined || e.occurred_at >= since);
    const start = q['cursor'] === undefined ? 0 : Number(q['cursor'].slice(1));
    const data = all.slice(start, start + 2);
    const next = start + 2 < all.length ? `c${start + 2}` : null;
    return { status: 200, body: { data, meta: { next_cursor: next } } };
  }
  if (url.pathname === '/v1/down') return { status: 503, body: {} };
  if (url.pathname === '/v1/ignores-page') return { status: 200, body: CAMPAIGNS.slice(0, 2) };
  if (url.pathname === '/v1/endless') {
    const page = q['page'];
    return { status: 200, body: [{ campaign_id: `E${page}a` }, { campaign_id: `E${page}b` }] };
  }
  return { status: 404, body: {} };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const r = reply(req);
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth: req.headers.authorization,
      status: r.status,
    });
    res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
    res.end(JSON.stringify(r.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  mkdirSync(join(scratch.dir, 'etl'), { recursive: true });
  writeFileSync(
    join(scratch.dir, 'etl', 'sources.yml'),
    `connections:
  api:
    type: http
    base_url: http://127.0.0.1:${port}
    headers: { Authorization: "Bearer \${TEST_API_TOKEN}" }
    retry: { attempts: 3, base_delay_ms: 1, max_delay_ms: 5 }
  api-creds:
    type: http
    base_url: http://rapport:\${TEST_API_PASSWORD}@127.0.0.1:${port}
    retry: { attempts: 3, base_delay_ms: 1, max_delay_ms: 5 }
  api-closed:
    type: http
    base_url: http://127.0.0.1:${await closedPort()}
    retry: { attempts: 3, base_delay_ms: 1, max_delay_ms: 5 }
`,
  );
  process.env['TEST_API_TOKEN'] = TOKEN;
  process.env['TEST_API_PASSWORD'] = PASSWORD;
  engine = await memoryWarehouse();
});

beforeEach(() => {
  seen = [];
  faults = new Map();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await engine.close();
  scratch.remove();
});

const job = (yaml: string) => parseJobText(yaml, join(scratch.dir, 'job.yml'));
const CAMPAIGN_MAPPING = `
target: campaigns
mapping: { campaign_id: campaign_id, name: name, kind: kind, budget: budget, target_segment: { expr: "json_extract_string(meta, '$.owner')" } }`;

describe('an HTTP JSON source', () => {
  it('pages through page-numbered results, retrying 429 and 503 answers, with the auth header from the environment', async () => {
    faults.set('/v1/campaigns?per_page=2&page=2', [429, 503]);
    const r = await runJob(
      job(`name: api-campaigns
source:
  type: http
  connection: api
  path: /v1/campaigns
  records: data
  pagination: { type: page, size: 2 }
${CAMPAIGN_MAPPING}`),
      { engine, root: scratch.dir },
    );
    expect(r).toMatchObject({
      status: 'succeeded',
      rows_read: 5,
      inserted: 5,
      source: 'http:api/v1/campaigns',
    });
    expect(seen.map((s) => `${s.query['page']}:${s.status}`)).toEqual([
      '1:200',
      '2:429',
      '2:503',
      '2:200',
      '3:200',
    ]);
    expect(new Set(seen.map((s) => s.auth))).toEqual(new Set([`Bearer ${TOKEN}`]));
    expect(
      await rows(
        engine,
        `SELECT campaign_id, name, budget::VARCHAR AS budget, target_segment FROM dim_campaign ORDER BY 1`,
      ),
    ).toEqual(
      CAMPAIGNS.map((c) => ({
        campaign_id: c.campaign_id,
        name: c.name,
        budget: c.budget.toFixed(4),
        target_segment: c.meta.owner,
      })),
    );
  });

  it('pages by offset until a short page', async () => {
    const r = await runJob(
      job(`name: api-campaigns-offset
source: { type: http, connection: api, path: /v1/campaigns-by-offset, pagination: { type: offset, size: 3 } }
${CAMPAIGN_MAPPING}`),
      { engine, root: scratch.dir },
    );
    expect(r).toMatchObject({ status: 'succeeded', rows_read: 5, unchanged: 5 });
    expect(seen.map((s) => `${s.query['offset']}/${s.query['limit']}`)).toEqual(['0/3', '3/3']);
  });

  it('follows a cursor, and on the next run asks only for records since the watermark minus the overlap', async () => {
    events = [
      { event_id: 'EV1', occurred_at: '2025-01-01T10:00:00Z', event: 'visit', visitor: 'a' },
      { event_id: 'EV2', occurred_at: '2025-01-01T10:01:00Z', event: 'page_view', visitor: 'a' },
      { event_id: 'EV3', occurred_at: 'soon', event: 'signup_completed', visitor: 'b' },
      { event_id: 'EV4', occurred_at: '2025-01-01T10:03:00Z', event: 'purchase', visitor: 'b' },
    ];
    const yaml = `name: api-events
source:
  type: http
  connection: api
  path: /v1/events
  records: data
  pagination: { type: cursor, next: meta.next_cursor }
  incremental_param: updated_since
target: web_events
mapping: { event_id: event_id, occurred_at: occurred_at, event: event, anonymous_id: visitor }
incremental: { key: occurred_at, overlap: "1 minute" }
`;
    const first = await runJob(job(yaml), { engine, root: scratch.dir });
    expect(first).toMatchObject({ rows_read: 4, inserted: 3, rejected: 1, watermark: '2025-01-01 10:03:00' });
    expect(seen.map((s) => s.query['cursor'] ?? '-')).toEqual(['-', 'c2']);
    expect(await rows(engine, `SELECT line, reason FROM etl_rejects WHERE job = 'api-events'`)).toEqual([
      { line: 3, reason: 'invalid_timestamp' },
    ]);

    seen = [];
    events.push({ event_id: 'EV5', occurred_at: '2025-01-01T10:05:00Z', event: 'visit', visitor: 'c' });
    const second = await runJob(job(yaml), { engine, root: scratch.dir });
    // Three records since 10:02, two per page: both pages carry the bound.
    expect(seen.map((s) => `${s.query['cursor'] ?? '-'} ${s.query['updated_since']}`)).toEqual([
      '- 2025-01-01T10:02:00.000Z',
      'c2 2025-01-01T10:02:00.000Z',
    ]);
    // Since 10:02: EV3 (rejected again), EV4 (as loaded), EV5 (new).
    expect(second).toMatchObject({
      rows_read: 3,
      inserted: 1,
      unchanged: 1,
      rejected: 1,
      watermark: '2025-01-01 10:05:00',
    });
  });

  it('fails on a refused token without retrying and without the token in any message', async () => {
    process.env['TEST_API_TOKEN'] = 'wrong-token';
    try {
      const error = await runJob(
        job(`name: api-refused
source: { type: http, connection: api, path: /v1/campaigns, records: data, pagination: { type: page, size: 2 } }
${CAMPAIGN_MAPPING}`),
        { engine, root: scratch.dir },
      ).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(error?.code).toBe('SOURCE_NOT_FOUND');
      expect(error?.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/v1\/campaigns answered HTTP 401$/);
      expect(seen).toHaveLength(1);
      const logged = await rows(engine, `SELECT error FROM etl_runs WHERE job = 'api-refused'`);
      expect(JSON.stringify(logged)).not.toContain('wrong-token');
      expect(JSON.stringify(logged)).toContain('HTTP 401');
    } finally {
      process.env['TEST_API_TOKEN'] = TOKEN;
    }
  });

  it('keeps credentials and query tokens of the URL out of the error, and does not retry a request fetch refuses', async () => {
    const error = await runJob(
      job(`name: api-creds
source: { type: http, connection: api-creds, path: /v1/campaigns, params: { api_key: "${TOKEN}" } }
${CAMPAIGN_MAPPING}`),
      { engine, root: scratch.dir },
    ).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('SOURCE_NOT_FOUND');
    expect(error?.message).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/v1\/campaigns failed: .*credentials: http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v1\/campaigns\?\*\*\*$/,
    );
    expect(seen).toHaveLength(0);
    const logged = JSON.stringify(await rows(engine, `SELECT error FROM etl_runs WHERE job = 'api-creds'`));
    expect(logged).toContain('credentials');
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain(TOKEN);
  });

  it('retries a refused connection, then names its cause', async () => {
    const error = await runJob(
      job(`name: api-closed
source: { type: http, connection: api-closed, path: /v1/campaigns }
${CAMPAIGN_MAPPING}`),
      { engine, root: scratch.dir },
    ).then(
      () => undefined,
      (e: unknown) => e as { message: string },
    );
    expect(error?.message).toMatch(/\/v1\/campaigns failed after 4 attempts: fetch failed \(ECONNREFUSED\)$/);
  });

  it('stops an API that ignores the page parameter, and one that pages past max_pages', async () => {
    const fail = (yaml: string) =>
      runJob(job(yaml), { engine, root: scratch.dir }).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
    const same = await fail(`name: api-same-page
source: { type: http, connection: api, path: /v1/ignores-page, pagination: { type: page, size: 2 } }
${CAMPAIGN_MAPPING}`);
    expect(same?.code).toBe('SOURCE_INVALID');
    expect(same?.message).toMatch(/\/v1\/ignores-page: the same records came back for the next page/);
    // Page 1 and page 2 were asked for; the repeat of page 1 ends it.
    expect(seen.map((s) => s.query['page'])).toEqual(['1', '2']);

    seen = [];
    const endless = await fail(`name: api-endless
source: { type: http, connection: api, path: /v1/endless, pagination: { type: page, size: 2 }, max_pages: 3 }
${CAMPAIGN_MAPPING}`);
    expect(endless?.message).toMatch(/\/v1\/endless: more than max_pages \(3\) pages/);
    expect(seen).toHaveLength(3);
  });

  it('gives up after the configured retries on a server that stays down', async () => {
    const error = await runJob(
      job(`name: api-down
source: { type: http, connection: api, path: /v1/down }
${CAMPAIGN_MAPPING}`),
      { engine, root: scratch.dir },
    ).then(
      () => undefined,
      (e: unknown) => e as { message: string },
    );
    expect(error?.message).toMatch(/answered HTTP 503 after 4 attempts/);
    expect(seen).toHaveLength(4);
  });
});
