import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientBundle } from '../../src/dashboards/web/assets/client-bundle';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { ROOT } from '../helpers/demo';
import { memoryWarehouse } from '../helpers/warehouse';

const VENDOR = ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js'];

/** The JSON a page shell hands its script. */
function pageData(body: string): unknown {
  const m = /<script type="application\/json" id="page-data">(.*?)<\/script>/s.exec(body);
  if (!m) throw new Error('the page has no page data');
  return JSON.parse(m[1]!);
}

function scripts(body: string): string[] {
  return [...body.matchAll(/<script defer src="([^"]+)"><\/script>/g)].map((m) => m[1]!);
}

describe('the web app routes', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    // Pages and assets need no data: an empty warehouse keeps this suite fast.
    engine = await memoryWarehouse();
    app = await buildApp({ engine, root: ROOT, now: () => new Date('2026-07-01T00:00:00Z') });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  it('lists every dashboard of /v1/dashboards as a card on the home page', async () => {
    const listed = (await get('/v1/dashboards')).json().data as { id: string; title: string }[];
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<body data-page="index">');
    expect(listed.length).toBeGreaterThan(0);
    const cards = [...res.body.matchAll(/href="\/dashboards\/([^"]+)" data-dashboard/g)].map((m) => m[1]);
    expect(cards).toEqual(listed.map((d) => d.id));
    expect(res.body).toContain('href="/explore"');
    expect(res.body).toContain('action="/customers"');
    expect(scripts(res.body)).toEqual(['/assets/app.js']);
  });

  it('serves a dashboard shell with the vega scripts first and a skeleton per tile', async () => {
    const res = await get('/dashboards/sales-executive');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(scripts(res.body)).toEqual([...VENDOR.map((v) => `/assets/vendor/${v}`), '/assets/app.js']);
    expect(res.body).toContain('<link rel="stylesheet" href="/assets/app.css">');
    const data = pageData(res.body) as { id: string; tiles: { name: string }[]; filters: { name: string }[] };
    const api = (await get('/v1/dashboards'))
      .json()
      .data.find((d: { id: string }) => d.id === 'sales-executive');
    expect(data.id).toBe('sales-executive');
    expect(data.tiles).toHaveLength(api.tiles);
    expect(data.filters.map((f) => f.name)).toContain('region');
    for (const t of data.tiles) expect(res.body).toContain(`data-tile="${t.name}"`);
  });

  it('answers an unknown dashboard with a 404 page, never a 500', async () => {
    const res = await get('/dashboards/no-such-board');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('No dashboard &quot;no-such-board&quot;');
    expect(res.body).toContain('href="/"');
    const list = await get('/dashboards');
    expect(list.statusCode).toBe(302);
    expect(list.headers.location).toBe('/');
  });

  it('serves the explore, customer and customer search pages', async () => {
    for (const [url, kind] of [
      ['/explore', 'explore'],
      ['/customers/C000004', 'customer'],
      ['/customers?search=blue', 'customers'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain(`<body data-page="${kind}">`);
      expect(scripts(res.body), url).toContain('/assets/app.js');
    }
    expect(pageData((await get('/customers?search=%20blue%20')).body)).toEqual({ search: 'blue' });
  });

  it('escapes what comes from the URL, in markup and in page data', async () => {
    const id = '</script><script>alert(1)</script>';
    const res = await get(`/customers/${encodeURIComponent(id)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(pageData(res.body)).toEqual({ customerId: id });
  });

  it('serves the client bundle and style sheet, and answers 304 to a known ETag', async () => {
    const js = await get('/assets/app.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('rapport:dashboard-ready');
    const again = await get('/assets/app.js', { 'if-none-match': String(js.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const css = await get('/assets/app.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('.tile-grid');
    expect(css.body).not.toContain('@import');
  });

  it('serves the vega browser builds from node_modules, and nothing else under vendor/', async () => {
    const globals: Record<string, string> = {
      'vega.min.js': '.vega=',
      'vega-lite.min.js': '.vegaLite=',
      'vega-embed.min.js': '.vegaEmbed=',
    };
    for (const file of VENDOR) {
      const res = await get(`/assets/vendor/${file}`);
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type'], file).toBe('text/javascript; charset=utf-8');
      expect(res.body.length, file).toBeGreaterThan(50_000);
      expect(res.body.slice(0, 1000), file).toContain(globals[file]);
    }
    for (const bad of ['vega.js', '..%2Fpackage.json', 'index.js']) {
      const res = await get(`/assets/vendor/${bad}`);
      expect(res.statusCode, bad).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
  });

  it('bundles the client without warnings', async () => {
    const bundle = await buildClientBundle();
    expect(bundle.warnings).toEqual([]);
    expect(bundle.script.body.length).toBeGreaterThan(10_000);
    expect(bundle.styles.body).toContain('.kpi-value');
  });
});
