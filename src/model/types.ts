import type { AccessPolicy, AccessRestriction } from './access/types';

/**
 * The semantic model: cubes over the star schema with their measures, dimensions, segments,
 * joins and hierarchies. Everything keyed by a user-chosen name is a Map.
 */

export type DimensionType = 'string' | 'number' | 'boolean' | 'time';
export type MeasureType =
  | 'count'
  | 'count_distinct'
  | 'count_distinct_approx'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'number';
export type Format = 'currency' | 'percent' | 'number' | 'integer';
export type Relationship = 'many_to_one' | 'one_to_one' | 'one_to_many';

export const GRANULARITIES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** One piece of a model SQL expression (model files are trusted; their text is raw SQL). */
export type ExprPart =
  | { readonly kind: 'text'; readonly text: string }
  /** `{CUBE}`: the alias of the cube the expression belongs to. */
  | { readonly kind: 'self' }
  /** A bare column of the cube's table, written without braces (`sql: revenue`). */
  | { readonly kind: 'column'; readonly name: string }
  /** `{member}` or `{cube.member}`: another member's SQL (a measure's aggregate in `number` measures). */
  | { readonly kind: 'member'; readonly cube: string; readonly member: string }
  /** `{NOW}`: the query's clock (bound as a parameter), so a pinned clock pins "overdue" too. */
  | { readonly kind: 'now' }
  /** `{cube}` in a join condition: that cube's alias. */
  | { readonly kind: 'cube'; readonly cube: string }
  /**
   * `{TABLE cube}`: that cube's rows as a subquery, for model SQL that reads another table. The
   * compiler applies the cube's row-level access rules to it, as to any other read of the cube.
   */
  | { readonly kind: 'table'; readonly cube: string }
  /** The text at a key path inside a JSON expression (a key of a `json` dimension). */
  | { readonly kind: 'json_text'; readonly of: readonly ExprPart[]; readonly path: readonly string[] }
  /**
   * `{fn:name}`: a portable function (MODEL_FUNCTIONS), written per engine by the SQL dialect;
   * its parenthesised arguments follow in the next parts.
   */
  | { readonly kind: 'function'; readonly name: string };

export interface ModelExpr {
  readonly parts: readonly ExprPart[];
  /** The expression as written, for messages. */
  readonly source: string;
}

/** Where a model object was declared, for error messages. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

interface MemberBase {
  readonly cube: string;
  readonly name: string;
  /** `cube.member`, the name queries use. */
  readonly fullName: string;
  readonly title: string;
  readonly shortTitle: string;
  readonly description?: string;
  readonly public: boolean;
  readonly origin: Origin;
}

export interface Measure extends MemberBase {
  readonly kind: 'measure';
  readonly type: MeasureType;
  /** The aggregated expression (absent for `count`, which counts rows). */
  readonly sql?: ModelExpr;
  /** Conditions a row must meet to count (Cube's measure filters). */
  readonly filters: readonly ModelExpr[];
  readonly format?: Format;
  readonly drillMembers: readonly string[];
  /** Which way is good news: revenue higher, response times lower, costs neither. */
  readonly better: Better;
  /** The unit of a plain number (`hours`), shown on axes and KPIs. */
  readonly unit?: string;
}

export type Better = 'higher' | 'lower' | 'none';

export interface Dimension extends MemberBase {
  readonly kind: 'dimension';
  readonly type: DimensionType;
  readonly sql: ModelExpr;
  readonly primaryKey: boolean;
  readonly format?: Format;
  /** Calendar dates are the same day in every zone: a query's time zone does not shift them. */
  readonly calendarDate: boolean;
  /** A customer id filtered by membership of saved segments: `equals X` = is a member of X. */
  readonly segmentMembership: boolean;
  /** Explicit labels of values, for people (`closed_won` → "Won"). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Whether code-like values without an explicit label are humanised (`in_person` → "In person"). */
  readonly humanize: boolean;
  /** A JSON object whose keys are dimensions too (`web_events.properties.plan`, see `lookup.ts`). */
  readonly json: boolean;
  /** For a key of a `json` dimension: that dimension's name. */
  readonly jsonParent?: string;
}

export interface Segment extends MemberBase {
  readonly kind: 'segment';
  readonly sql: ModelExpr;
}

export type Member = Measure | Dimension | Segment;

export interface Join {
  /** The cube that declares the join. */
  readonly from: string;
  readonly to: string;
  readonly relationship: Relationship;
  readonly sql: ModelExpr;
  readonly origin: Origin;
}

/** A drill path, e.g. region > country > city; levels are full member names. */
export interface Hierarchy {
  readonly cube: string;
  readonly name: string;
  readonly fullName: string;
  readonly title: string;
  readonly levels: readonly string[];
  readonly origin: Origin;
}

export interface Cube {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  /** The table (possibly schema-qualified) or a SQL query the cube reads. */
  readonly source:
    | { readonly kind: 'table'; readonly path: readonly string[] }
    | { readonly kind: 'sql'; readonly sql: ModelExpr };
  readonly public: boolean;
  readonly measures: ReadonlyMap<string, Measure>;
  readonly dimensions: ReadonlyMap<string, Dimension>;
  readonly segments: ReadonlyMap<string, Segment>;
  readonly joins: readonly Join[];
  readonly hierarchies: ReadonlyMap<string, Hierarchy>;
  readonly origin: Origin;
  /** Cube's `access_policy`: restrictions by role and user attributes (src/model/access). */
  readonly accessPolicies?: readonly AccessPolicy[];
  /** The time dimension saying when each row happened: the data's coverage is read from it. */
  readonly timeDimension?: string;
}

/** A directed many-to-one edge of the join graph: rows of `from` find one row of `to`. */
export interface JoinEdge {
  readonly from: string;
  readonly to: string;
  readonly join: Join;
}

export interface Model {
  readonly cubes: ReadonlyMap<string, Cube>;
  /** Edges leaving each cube toward its "one" side. */
  readonly edges: ReadonlyMap<string, readonly JoinEdge[]>;
  /** Set on a model restricted to one user: hidden members and row conditions the compiler applies. */
  readonly access?: AccessRestriction;
}
