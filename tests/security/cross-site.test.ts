import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { addUser } from '../../src/server/auth/users';
import { PAGE_CSP } from '../../src/server/security-headers';
import { ROOT } from '../helpers/demo';
import { memoryWarehouse } from '../helpers/warehouse';

const Q = { query: { measures: ['orders.count'] } };
const HOST = '127.0.0.1:3000';

/** A request as a browser sends it; `origin` and `site` as a page of that origin would. */
const browser = (
  app: FastifyInstance,
  url: string,
  o: { origin?: string; site?: string; type?: string; body?: string; auth?: string } = {},
) =>
  app.inject({
    method: 'POST',
    url,
    headers: {
      host: HOST,
      ...(o.origin ? { origin: o.origin } : {}),
      ...(o.site ? { 'sec-fetch-site': o.site } : {}),
      ...(o.type ? { 'content-type': o.type } : {}),
      ...(o.auth ? { authorization: `Bearer ${o.auth}` } : {}),
    },
    ...(o.body === undefined ? {} : { payload: o.body }),
  });

describe('cross-site requests in local mode (no keys: every request is the local admin)', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    app = await buildApp({ engine, root: ROOT, limits: { rateLimitPerMinute: 0 } });
    expect(app.localMode).toBe(true);
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const runs = async () => Number((await engine.query('SELECT count(*) AS n FROM etl_runs')).rows[0]!['n']);

  it('a page of another site cannot make the browser run an ETL job (a text/plain form post, no preflight)', async () => {
    const r = await browser(app, '/v1/etl/jobs/demo-products/run', {
      origin: 'http://evil.example',
      site: 'cross-site',
      type: 'text/plain',
      body: 'x=1',
    });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('refusing a cross-origin POST'),
    });
    // Old browsers send Origin without Sec-Fetch-Site; a sandboxed page sends Origin: null.
    for (const origin of [
      'http://evil.example',
      'null',
      'http://127.0.0.1:8080',
      'https://127.0.0.1.evil.example',
    ]) {
      const o = await browser(app, '/v1/etl/jobs/demo-products/run', {
        origin,
        type: 'application/json',
        body: '{}',
      });
      expect(o.statusCode, origin).toBe(403);
    }
    for (const site of ['cross-site', 'same-site']) {
      const s = await browser(app, '/v1/etl/jobs/demo-products/run', { site });
      expect(s.statusCode, site).toBe(403);
    }
    expect(await runs()).toBe(0);
  });

  it('a POST body must be JSON: text/plain, forms and no type are 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    ]) {
      const r = await browser(app, '/v1/etl/jobs/demo-products/run', { type, body: '{"a":1}' });
      expect(r.statusCode, type).toBe(415);
      expect(r.json()).toMatchObject({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringContaining('must be JSON sent with Content-Type: application/json'),
      });
    }
    expect(await runs()).toBe(0);
  });

  it("the server's own pages and clients that are not browsers are served", async () => {
    const sameOrigin = await browser(app, '/v1/sql', {
      origin: `http://${HOST}`,
      site: 'same-origin',
      type: 'application/json; charset=utf-8',
      body: JSON.stringify(Q),
    });
    expect(sameOrigin.statusCode, sameOrigin.body).toBe(200);
    // curl or a script: neither Origin nor Sec-Fetch-Site.
    expect(
      (await browser(app, '/v1/sql', { type: 'application/json', body: JSON.stringify(Q) })).statusCode,
    ).toBe(200);
    // A typed or bookmarked request (Sec-Fetch-Site: none); a POST without a body needs no type.
    expect((await browser(app, '/v1/etl/jobs/no-such-job/run', { site: 'none' })).json()).toMatchObject({
      code: 'JOB_NOT_FOUND',
    });
    // Reads stay open to every page: they change nothing (and CORS keeps their answers from other sites).
    const get = await app.inject({
      method: 'GET',
      url: `/v1/query?query=${encodeURIComponent(JSON.stringify(Q.query))}`,
      headers: { host: HOST, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(get.statusCode).toBe(200);
  });
});

describe('cross-site requests with keys configured: the same rule', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let key: string;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    ({ key } = await addUser(engine, { name: 'ada', role: 'admin', attributes: {} }));
    app = await buildApp({ engine, root: ROOT, limits: { rateLimitPerMinute: 0 } });
    expect(app.localMode).toBe(false);
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('refuses a cross-origin POST even with a valid key, and serves it from the same origin', async () => {
    const body = JSON.stringify(Q);
    const evil = await browser(app, '/v1/sql', {
      origin: 'http://evil.example',
      type: 'application/json',
      body,
      auth: key,
    });
    expect(evil.statusCode).toBe(403);
    const own = await browser(app, '/v1/sql', {
      origin: `http://${HOST}`,
      type: 'application/json',
      body,
      auth: key,
    });
    expect(own.statusCode).toBe(200);
    // Behind a TLS proxy the page is https and the server sees plain http on the same host.
    const proxied = await browser(app, '/v1/sql', {
      origin: 'https://127.0.0.1:3000',
      type: 'application/json',
      body,
      auth: key,
    });
    expect(proxied.statusCode).toBe(200);
    const text = await browser(app, '/v1/sql', { type: 'text/plain', body, auth: key });
    expect(text.statusCode).toBe(415);
  });
});

describe('response headers and static paths', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    app = await buildApp({ engine, root: ROOT, limits: { rateLimitPerMinute: 0 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  /** A GET with the path sent as written (inject and fetch normalise `%2e%2e`). */
  const raw = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('pages carry a Content-Security-Policy, refuse framing and say nosniff; every answer says nosniff', async () => {
    for (const url of [
      '/',
      '/explore',
      '/dashboards/sales-executive',
      '/customers/C1',
      '/docs/static/index.html',
      '/docs/',
    ]) {
      const r = await app.inject({ method: 'GET', url, headers: { host: HOST } });
      if (r.statusCode === 302) continue;
      expect(String(r.headers['content-type']), url).toMatch(/^text\/html/);
      expect(r.headers['content-security-policy'], url).toBe(PAGE_CSP);
      expect(r.headers['x-frame-options'], url).toBe('DENY');
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
    }
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(PAGE_CSP).toContain("script-src 'self' 'unsafe-eval'");
    for (const url of [
      '/assets/app.js',
      '/assets/app.css',
      '/assets/vendor/vega.min.js',
      '/v1/meta',
      '/health',
      '/nope',
    ]) {
      const r = await app.inject({ method: 'GET', url, headers: { host: HOST } });
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['content-security-policy'], url).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('a path outside the docs folder is 404 NOT_FOUND, never a validation error', async () => {
    for (const path of [
      '/docs/static/%2e%2e/package.json',
      '/docs/static/%2e%2e/',
      '/docs/static/../x',
      '/docs/static/%00',
    ]) {
      const r = await raw(path);
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.body), path).toMatchObject({ code: 'NOT_FOUND' });
    }
    const bad = await raw('/docs/static/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({
      code: 'VALIDATION_FAILED',
      message: "'/docs/static/%E0%A4%A' is not a valid url component",
    });
    expect((await raw('/docs/static/swagger-ui.css')).status).toBe(200);
  });
});
