import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { ERROR_CATALOGUE } from '../../src/errors';
import { loadModel } from '../../src/model/load';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';
import { type FuzzCase, FuzzGenerator, requestedColumns, SECRET, SECRET_TABLE } from './fuzz-cases';
import { prng } from './support';

/**
 * Thousands of generated requests — valid queries, invalid ones and attacks (SQL
 * metacharacters, comments and unicode in member names and values, wrong types, huge and
 * negative limits, deep and/or nesting, JSON nested up to 50,000 levels deep, unknown members,
 * bad granularities and date ranges, oversized arrays) — against the query routes of a demo
 * warehouse. RAPPORT_FUZZ_SEED reproduces a run; RAPPORT_FUZZ_CASES sets its size.
 */
const SEED = Number(process.env['RAPPORT_FUZZ_SEED'] ?? 20261124);
const CASES = Number(process.env['RAPPORT_FUZZ_CASES'] ?? 10_000);
const IN_FLIGHT = 8;
const QUERY_TIMEOUT_MS = 5000;
const QUEUE_TIMEOUT_MS = 5000;

/**
 * Text only an engine error, a stack trace or a source path contains. A marker counts as leaked
 * only when the request did not itself contain it (a message may quote the user's input).
 */
const LEAK_MARKERS = [
  /Binder Error/i,
  /Parser Error/i,
  /Catalog Error/i,
  /Conversion Error/i,
  /Invalid Input Error/i,
  /Out of Range Error/i,
  /INTERNAL Error/i,
  /Not implemented Error/i,
  /Serialization Error/i,
  /LINE \d+:/,
  /\bat \S+ \(.*:\d+:\d+\)/,
  /node_modules/,
  /src\/\w+\/[\w/-]+\.ts/,
  /\bfact_\w+/,
  /\bdim_\w+/,
  /\betl_\w+/,
  /\bSELECT\b[\s\S]*\bFROM\b/i,
];

interface Failure {
  readonly index: number;
  readonly problem: string;
  readonly request: string;
  readonly status: number;
  readonly body: string;
}

describe('fuzzing the query routes', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let engineVersion: string;
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    // A table beside the star schema that no cube reads: nothing may ever show its value.
    await engine.exec(`CREATE TABLE ${SECRET_TABLE} AS SELECT '${SECRET}' AS s, 987654321.5 AS salary`);
    engineVersion = String((await engine.query('SELECT version() AS v')).rows[0]!['v']);
    app = await buildApp({
      engine,
      root: ROOT,
      now: () => new Date('2026-07-01T00:00:00Z'),
      limits: {
        rateLimitPerMinute: 0,
        queryTimeoutMs: QUERY_TIMEOUT_MS,
        queueTimeoutMs: QUEUE_TIMEOUT_MS,
        maxConcurrentQueries: 4,
      },
    });
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  /** What is wrong with one answer, if anything. */
  function problemOf(c: FuzzCase, res: LightMyRequestResponse, requestText: string): string | undefined {
    const body = res.body;
    if (res.statusCode >= 500 && res.statusCode !== 504 && res.statusCode !== 503) {
      return `status ${res.statusCode}`;
    }
    if (c.depth !== undefined) {
      const said = `is nested ${c.depth} levels deep; at most 64 are allowed`;
      return res.statusCode === 400 && body.includes(said)
        ? undefined
        : `JSON nested ${c.depth} deep answered ${res.statusCode}, not 400 saying "${said}"`;
    }
    if (body.includes(SECRET) || body.includes('987654321.5')) return 'a value from outside the model';
    if (body.includes(engineVersion)) return 'a DuckDB system function result';
    const type = String(res.headers['content-type'] ?? '');
    if (res.statusCode >= 400) {
      let parsed: { code?: unknown };
      try {
        parsed = JSON.parse(body);
      } catch {
        return 'an error body that is not JSON';
      }
      if (typeof parsed.code !== 'string' || !(parsed.code in ERROR_CATALOGUE))
        return `unknown code ${parsed.code}`;
      for (const marker of LEAK_MARKERS) {
        if (marker.test(body) && !marker.test(requestText)) return `engine text leaked (${marker})`;
      }
      return undefined;
    }
    const query = queryOf(c);
    const allowed = requestedColumns(query);
    const outside = (names: Iterable<string>) => [...names].filter((n) => !allowed.has(n));
    if (type.startsWith('text/csv')) {
      const header = body.split('\n')[0] ?? '';
      const bad = outside(header === '' ? [] : header.split(','));
      return bad.length > 0 ? `CSV columns outside the query: ${bad.join(', ')}` : undefined;
    }
    if (type.startsWith('application/vnd.apache.arrow.stream')) {
      const bad = outside(tableFromIPC(res.rawPayload).schema.fields.map((f) => f.name));
      return bad.length > 0 ? `Arrow columns outside the query: ${bad.join(', ')}` : undefined;
    }
    if (c.answersSql) return undefined;
    const json = JSON.parse(body) as Record<string, unknown>;
    const results = (json['results'] as Record<string, unknown>[] | undefined) ?? [json];
    for (const result of results) {
      for (const row of (result['data'] as Record<string, unknown>[] | undefined) ?? []) {
        const bad = outside(Object.keys(row));
        if (bad.length > 0) return `JSON columns outside the query: ${bad.join(', ')}`;
      }
    }
    return undefined;
  }

  it(`answers ${CASES} generated requests without a 500, a leak or a foreign row (seed ${SEED})`, async () => {
    process.stdout.write(`fuzz seed ${SEED} (RAPPORT_FUZZ_SEED=${SEED} reproduces), ${CASES} cases\n`);
    const generator = new FuzzGenerator(prng(SEED), loadModel(`${ROOT}/cubes`));
    const cases = Array.from({ length: CASES }, () => generator.next());
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    let slowest = 0;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < cases.length; i = next++) {
        const c = cases[i]!;
        const requestText = c.raw ?? JSON.stringify(c.payload ?? null) + decodeURIComponent(c.url);
        const started = performance.now();
        const res = await app.inject({
          method: c.method,
          url: c.url,
          headers:
            c.raw !== undefined || c.payload !== undefined
              ? { 'content-type': 'application/json', ...c.headers }
              : c.headers,
          ...(c.raw !== undefined
            ? { payload: c.raw }
            : c.payload !== undefined
              ? { payload: JSON.stringify(c.payload) }
              : {}),
        });
        slowest = Math.max(slowest, performance.now() - started);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const problem = problemOf(c, res, requestText);
        if (problem && failures.length < 20) {
          failures.push({
            index: i,
            problem,
            request: `${c.method} ${c.url} ${requestText.slice(0, 400)}`,
            status: res.statusCode,
            body: res.body.slice(0, 400),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    process.stdout.write(
      `fuzz statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}, slowest ${Math.round(slowest)} ms\n`,
    );
    expect(failures).toEqual([]);
    // Each answer came within the limits: waiting for a turn, then two statements (rows and total).
    expect(slowest).toBeLessThan(QUEUE_TIMEOUT_MS + 2 * QUERY_TIMEOUT_MS + 5000);
    // The mix really exercised both sides: answers with rows and refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(CASES / 10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(CASES / 10);
    // Deeply nested JSON was among them.
    expect(cases.filter((c) => c.depth !== undefined).length).toBeGreaterThan(CASES / 200);
  }, 600_000);
});

function queryOf(c: FuzzCase): unknown {
  if (c.payload !== undefined) return (c.payload as { query?: unknown }).query;
  const q = new URL(c.url, 'http://x').searchParams.get('query');
  try {
    return q === null ? undefined : JSON.parse(q);
  } catch {
    return undefined;
  }
}
