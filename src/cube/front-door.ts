import type { Engine, QueryResult } from '../engine/types';
import { AppError } from '../errors';
import type { LogicalFilter, LogicalQuery } from '../model/logical-query';
import type { Model } from '../model/types';
import { resolveDateRange } from '../query/date-range';
import { resolveQuery } from '../query/resolve';
import type { CubeQuery } from '../query/schema';
import type { SelectNode, SqlNode } from '../sql/ast';
import { compileQuery } from '../sql/compile/query';
import type { Dialect } from '../sql/dialect';
import { sql } from '../sql/factories';
import { type RenderedSql, render } from '../sql/render';
import { parseQuery, splitCompareDateRange } from './parse';

/**
 * The one way into cube queries. Everything that turns a cube query into SQL passes here, so
 * the clock, the limits, the user's row access and the order/limit policy are applied the same
 * way for the server, the CLI, reports, dashboards, questions and deliveries. Nothing here knows
 * the database: SQL is rendered with the dialect of the engine that will run it.
 */

/** What a cube query is answered under. */
export interface CubeScope {
  /**
   * The model as the asking user sees it: `restrictModel` puts their row rules and hidden
   * members in `model.access`, and the compiler applies the rules wherever a cube's table is
   * read, in queries and subqueries alike.
   */
  readonly model: Model;
  /** The clock relative date ranges ("last 7 days") resolve against. */
  readonly now: () => Date;
  /** The largest `limit` a query may ask for [50,000]. */
  readonly maxLimit?: number;
  /** The `limit` of a query that gives none [10,000]. */
  readonly defaultLimit?: number;
  /**
   * Whether the engine answering holds the application state too (saved segments' members) [true].
   * A ClickHouse warehouse does not: publish copies the star schema, not the state.
   */
  readonly stateInWarehouse?: boolean;
}

/** How long a statement may run in the engine; unset, the engine's own limit holds. */
export interface RunLimits {
  readonly timeoutMs?: number;
}

/** One query ready to run: its resolved form, its SQL, and what the response echoes. */
export interface PreparedQuery {
  readonly query: CubeQuery;
  readonly logical: LogicalQuery;
  readonly sql: RenderedSql;
  /** For compareDateRange parts: the range this part answers, as Cube labels it. */
  readonly compareDateRange?: string;
}

export type QueryType = 'regularQuery' | 'compareDateRangeQuery' | 'blendingQuery';

/** A request's queries: one, one per compared range, or a blended list. */
export interface PreparedCubeQuery {
  readonly queryType: QueryType;
  readonly parts: PreparedQuery[];
}

/**
 * Which rows a cube query's SQL returns: `as-asked` is the query's own order, limit (capped at
 * the scope's maximum) and offset, as a cube query answers; `all` is every row in no order, for
 * SQL that uses the query as a relation (joins, counts, membership).
 */
export type RowPolicy = 'as-asked' | 'all';

function resolved(scope: CubeScope, query: CubeQuery, now: Date, rows: RowPolicy): LogicalQuery {
  const logical = resolveQuery(scope.model, query, {
    now,
    maxLimit: scope.maxLimit,
    defaultLimit: scope.defaultLimit,
  });
  if (scope.stateInWarehouse === false) refuseStateMembers(logical.where);
  return rows === 'all' ? everyRow(logical) : logical;
}

/** A filter on saved-segment membership reads state tables the warehouse does not have. */
function refuseStateMembers(filter: LogicalFilter | undefined): void {
  if (filter === undefined) return;
  if (filter.kind === 'and' || filter.kind === 'or') {
    for (const child of filter.children) refuseStateMembers(child);
    return;
  }
  if (filter.kind === 'condition' && filter.member.kind === 'dimension' && filter.member.segmentMembership)
    throw new AppError(
      'UNSUPPORTED_FEATURE',
      `${filter.member.fullName} filters by saved segments, which live in rapport's DuckDB state and are not published to the ClickHouse warehouse; run this query without --clickhouse, or filter on the segment's defining dimensions`,
    );
}

const everyRow = (logical: LogicalQuery): LogicalQuery => ({
  ...logical,
  order: [],
  limit: undefined,
  offset: 0,
});

/** A validated query resolved against the scope's model (its members, types and order), no SQL. */
export function resolveCubeQuery(
  scope: CubeScope,
  query: CubeQuery,
  rows: RowPolicy = 'as-asked',
): LogicalQuery {
  return resolved(scope, query, scope.now(), rows);
}

function preparePart(
  scope: CubeScope,
  dialect: Dialect,
  query: CubeQuery,
  now: Date,
  compareRange?: string | readonly [string, string],
): PreparedQuery {
  const logical = resolved(scope, query, now, 'as-asked');
  const rendered = render(compileQuery(scope.model, logical), dialect);
  if (compareRange === undefined) return { query, logical, sql: rendered };
  const r = resolveDateRange(compareRange, query.timezone ?? 'UTC', now);
  return { query, logical, sql: rendered, compareDateRange: `${r.from} - ${r.to}` };
}

/**
 * Validates and prepares a cube query as sent (JSON): one query, a query with compareDateRange
 * (one part per range), or a list of queries (Cube's blending query). Every part reads the clock
 * once, so relative ranges agree across the parts.
 */
export function prepareCubeQuery(input: unknown, scope: CubeScope, dialect: Dialect): PreparedCubeQuery {
  const now = scope.now();
  if (Array.isArray(input)) {
    if (input.length === 0) throw new AppError('VALIDATION_FAILED', 'an empty list of queries');
    return {
      queryType: 'blendingQuery',
      parts: input.map((q) => preparePart(scope, dialect, parseQuery(q), now)),
    };
  }
  const query = parseQuery(input);
  const split = splitCompareDateRange(query);
  if (split.length === 1)
    return { queryType: 'regularQuery', parts: [preparePart(scope, dialect, query, now)] };
  return {
    queryType: 'compareDateRangeQuery',
    parts: split.map((s) => preparePart(scope, dialect, s.query, now, s.range)),
  };
}

/**
 * The SQL of a cube query as an AST, to embed in a larger statement (Customer 360's totals,
 * segment features, target-group members): the same resolution, clock and row access as a
 * query answered on its own. Columns are named after the query's members.
 */
export function cubeSubquery(scope: CubeScope, query: CubeQuery, options: { rows: RowPolicy }): SelectNode {
  return compileQuery(scope.model, resolved(scope, query, scope.now(), options.rows));
}

/** Runs a prepared part on the engine (which renders nothing: the SQL is the dialect's already). */
export function runCubeQuery(
  engine: Engine,
  part: PreparedQuery,
  limits: RunLimits = {},
): Promise<QueryResult> {
  return engine.query(part.sql, limits.timeoutMs === undefined ? undefined : { timeoutMs: limits.timeoutMs });
}

/** A prepared part's result as Arrow IPC or CSV bytes, straight from the engine. */
export function streamCubeQuery(
  engine: Engine,
  part: PreparedQuery,
  format: 'arrow' | 'csv',
  limits: RunLimits = {},
): AsyncIterable<Uint8Array> {
  return engine.stream(
    part.sql,
    format,
    limits.timeoutMs === undefined ? {} : { timeoutMs: limits.timeoutMs },
  );
}

/** How many rows a part has without its limit and offset (Cube's `total`). */
export async function countCubeRows(
  engine: Engine,
  scope: CubeScope,
  part: PreparedQuery,
  limits: RunLimits = {},
): Promise<number> {
  const all: SqlNode = compileQuery(scope.model, everyRow(part.logical));
  const r = await engine.query(
    sql`SELECT count(*) AS n FROM (${all})`,
    limits.timeoutMs === undefined ? undefined : { timeoutMs: limits.timeoutMs },
  );
  return Number(r.rows[0]?.['n'] ?? 0);
}
