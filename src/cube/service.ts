import type { Engine, Row } from '../engine/types';
import { AppError } from '../errors';
import { modelMeta } from '../model/meta';
import type { Model } from '../model/types';
import type { CubeQuery } from '../query/schema';
import type { RenderedSql } from '../sql/render';
import { LruCache } from './cache';
import { drillDown, drillTarget } from './drill';
import {
  type CubeScope,
  countCubeRows,
  type PreparedCubeQuery,
  type PreparedQuery,
  prepareCubeQuery,
  type QueryType,
  runCubeQuery,
  streamCubeQuery,
} from './front-door';
import { parseQuery } from './parse';
import { type PivotTable, pivot } from './pivot';
import { annotationOf, normalisedQuery, shapeRows } from './response';

export interface QueryServiceOptions {
  readonly engine: Engine;
  readonly model: Model;
  /** The warehouse's data version: cached results of an older version are never served. */
  readonly version: () => number;
  readonly now?: () => Date;
  /** Per-query time limit in the engine [120 s]. */
  readonly timeoutMs?: number;
  /** The largest `limit` a query may ask for [50,000]. */
  readonly maxLimit?: number;
  /** The largest `limit` of a query streamed as CSV or Arrow [`maxLimit`]. */
  readonly maxStreamLimit?: number;
  readonly defaultLimit?: number;
  readonly cacheEntries?: number;
  /** Whether `engine` also holds the application state (saved segments) [true]; see CubeScope. */
  readonly stateInWarehouse?: boolean;
}

export interface LoadResult {
  query: Record<string, unknown>;
  data: Row[];
  annotation: ReturnType<typeof annotationOf>;
  lastRefreshTime: string;
  dataSource: 'default';
  dbType: string;
  external: false;
  slowQuery: boolean;
  total?: number;
  pivot?: PivotTable;
}

export interface MultiLoadResponse {
  queryType: QueryType;
  results: LoadResult[];
  pivotQuery: Record<string, unknown>;
  slowQuery: boolean;
}

export interface LoadOptions {
  /** `no-cache` (and `must-revalidate`) runs the query even when a fresh result is cached. */
  readonly cache?: string;
}

interface CachedResult {
  readonly rows: Row[];
  readonly total?: number;
  readonly at: string;
}

/**
 * Answers cube queries for the server, the CLI, dashboards, questions and deliveries: prepares
 * them through the front door (front-door.ts: clock, limits, row access, order), serves from a
 * result cache keyed by SQL + parameters + warehouse version + access, and shapes the answer as
 * Cube's REST API does. Identical queries in flight share one execution.
 */
export class QueryService {
  private readonly cache: LruCache<CachedResult>;
  private readonly inflight = new Map<string, Promise<CachedResult>>();
  /** Serialised responses of cached results, so a repeated request skips shaping and JSON. */
  private readonly responses: LruCache<string>;

  constructor(private readonly options: QueryServiceOptions) {
    this.cache = new LruCache(options.cacheEntries ?? 1000);
    this.responses = new LruCache(options.cacheEntries ?? 1000);
  }

  /**
   * The key of a whole response: the query as sent (the response echoes it) and the cache keys
   * of its SQL (which carry resolved relative dates and the data version).
   */
  responseKey(input: unknown, prepared: { parts: PreparedQuery[] }, shape: string): string {
    return JSON.stringify([shape, input, prepared.parts.map((p) => this.cacheKey(p.sql))]);
  }

  /** Forgets every cached result (after a change the data version does not track, e.g. saved segments). */
  invalidate(): void {
    this.cache.clear();
    this.responses.clear();
  }

  cachedResponse(key: string): string | undefined {
    return this.responses.get(key);
  }

  storeResponse(key: string, body: string): void {
    this.responses.set(key, body);
  }

  get model(): Model {
    return this.options.model;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The front door's scope for this service: its model (with the user's rules), clock and limits. */
  private scope(maxLimit = this.options.maxLimit): CubeScope {
    return {
      model: this.options.model,
      now: () => this.now(),
      maxLimit,
      defaultLimit: this.options.defaultLimit,
      stateInWarehouse: this.options.stateInWarehouse,
    };
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 120_000;
  }

  meta() {
    return modelMeta(this.options.model);
  }

  /** Validates and prepares a query or a list of queries (a list is Cube's blending query). */
  prepare(input: unknown, maxLimit = this.options.maxLimit): PreparedCubeQuery {
    return prepareCubeQuery(input, this.scope(maxLimit), this.options.engine.dialect);
  }

  /**
   * The cache key of a prepared query: its SQL, its parameters, the data version and the access
   * restriction of the user (whose row rules are in the SQL already; the key makes it explicit).
   */
  cacheKey(sql: RenderedSql): string {
    return JSON.stringify([
      sql.text,
      sql.params,
      this.options.version(),
      this.options.model.access?.key ?? null,
    ]);
  }

  /**
   * Starts (or joins) the execution of every part; resolves when all are done. Useful with a
   * timeout for Cube's "Continue wait" protocol: the work goes on after the caller stops waiting.
   */
  execute(prepared: { parts: PreparedQuery[] }, options: LoadOptions = {}): Promise<CachedResult[]> {
    return Promise.all(prepared.parts.map((p) => this.run(p, options)));
  }

  private run(p: PreparedQuery, options: LoadOptions): Promise<CachedResult> {
    const bypass = options.cache === 'no-cache' || options.cache === 'must-revalidate';
    return this.cached(p.sql, bypass, async () => {
      const limits = { timeoutMs: this.timeoutMs };
      const result = await runCubeQuery(this.options.engine, p, limits);
      const total = p.query.total
        ? await countCubeRows(this.options.engine, this.scope(), p, limits)
        : undefined;
      return { rows: result.rows, total, at: new Date().toISOString() };
    });
  }

  /**
   * The rows of a statement built beside the cube query (such as the data's coverage bounds),
   * cached and shared in flight like query results. Callers copy before changing them.
   */
  async rows(statement: RenderedSql): Promise<readonly Row[]> {
    const result = await this.cached(statement, false, async () => {
      const r = await this.options.engine.query(statement, { timeoutMs: this.timeoutMs });
      return { rows: r.rows, at: new Date().toISOString() };
    });
    return result.rows;
  }

  private cached(
    statement: RenderedSql,
    bypass: boolean,
    work: () => Promise<CachedResult>,
  ): Promise<CachedResult> {
    const key = this.cacheKey(statement);
    if (!bypass) {
      const hit = this.cache.get(key);
      if (hit) return Promise.resolve(hit);
    }
    const running = this.inflight.get(key);
    if (running) return running;
    const started = work().then((result) => {
      this.cache.set(key, result);
      return result;
    });
    this.inflight.set(key, started);
    started.finally(() => this.inflight.delete(key)).catch(() => undefined);
    return started;
  }

  /** Builds the response from executed parts. Rows are copied, so cached rows stay untouched. */
  respond(prepared: PreparedCubeQuery, executed: readonly CachedResult[]): MultiLoadResponse {
    const now = this.now();
    const results = prepared.parts.map((p, i) => {
      const ex = executed[i]!;
      const data = shapeRows(
        ex.rows.map((r) => ({ ...r })),
        p.logical,
        p.compareDateRange,
      );
      const result: LoadResult = {
        query: normalisedQuery(p.query, p.logical, now),
        data,
        annotation: annotationOf(this.options.model, p.logical),
        lastRefreshTime: ex.at,
        dataSource: 'default',
        dbType: this.options.engine.dialect.name,
        external: false,
        slowQuery: false,
      };
      if (ex.total !== undefined) result.total = ex.total;
      if (p.query.pivot) {
        result.pivot = pivot(
          data,
          p.query.pivot,
          p.logical.dimensions.map((d) => d.alias),
          p.logical.groups.flatMap((g) => g.measures.map((m) => m.alias)),
        );
      }
      return result;
    });
    const first = results[0]!;
    const pivotQuery: Record<string, unknown> = { ...first.query, queryType: prepared.queryType };
    if (prepared.queryType === 'compareDateRangeQuery') {
      pivotQuery['dimensions'] = [...((first.query['dimensions'] as string[]) ?? []), 'compareDateRange'];
    }
    return { queryType: prepared.queryType, results, pivotQuery, slowQuery: false };
  }

  async load(input: unknown, options: LoadOptions = {}): Promise<MultiLoadResponse> {
    const prepared = this.prepare(input);
    return this.respond(prepared, await this.execute(prepared, options));
  }

  /** Cube's `/sql`: the SQL and parameters, nothing run. */
  sql(input: unknown) {
    const prepared = this.prepare(input);
    const one = (p: PreparedQuery) => ({
      sql: [p.sql.text, p.sql.params],
      params: p.sql.params,
      text: p.sql.text,
      dialect: this.options.engine.dialect.name,
      order: p.logical.order,
      limit: p.logical.limit,
      cacheKeyQueries: [[p.sql.text, p.sql.params]],
    });
    return { queryType: prepared.queryType, queries: prepared.parts.map(one) };
  }

  /** Cube's `/dry-run`: the normalised queries and how they would be answered. */
  dryRun(input: unknown) {
    const prepared = this.prepare(input);
    const now = this.now();
    const normalizedQueries = prepared.parts.map((p) => normalisedQuery(p.query, p.logical, now));
    return {
      queryType: prepared.queryType,
      normalizedQueries,
      queryOrder: prepared.parts.map((p) =>
        Object.fromEntries(p.logical.order.map((o) => [o.alias, o.direction])),
      ),
      pivotQuery: { ...normalizedQueries[0], queryType: prepared.queryType },
    };
  }

  /**
   * A regular query's result as Arrow IPC or CSV bytes straight out of the engine (time buckets
   * keep the engine's timestamp type). The stream is never cached: it is for large results.
   */
  async stream(input: unknown, format: 'arrow' | 'csv'): Promise<AsyncIterable<Uint8Array>> {
    const prepared = this.prepare(input, this.options.maxStreamLimit ?? this.options.maxLimit);
    if (prepared.queryType !== 'regularQuery') {
      throw new AppError(
        'NOT_ACCEPTABLE',
        `a ${prepared.queryType} answers in JSON only; ask for application/json`,
      );
    }
    const p = prepared.parts[0]!;
    return readAhead(streamCubeQuery(this.options.engine, p, format, { timeoutMs: this.timeoutMs }));
  }

  drill(input: unknown, member: string, row: Record<string, unknown>): CubeQuery {
    const query = parseQuery(input);
    return drillDown(this.options.model, query, member, row);
  }

  /** The member a click on one of the query's rows drills on, and the level it opens. */
  drillTarget(input: unknown): { member: string; to: string } | undefined {
    return drillTarget(this.options.model, parseQuery(input));
  }
}

/**
 * Starts the stream and waits for its first piece, so that an error in the query (timeout, bad
 * SQL) is thrown here and answered with a status code instead of breaking a started response.
 */
export async function readAhead(stream: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Uint8Array>> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        if (!first.done) yield first.value;
        for (;;) {
          const next = await it.next();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await it.return?.();
      }
    },
  };
}
