import { type ExprItem, gatherCalls } from '../../model/expression-calls';
import type { LogicalDimension } from '../../model/logical-query';
import { splitMemberName } from '../../model/names';
import type { Cube, Dimension, Measure, Model, ModelExpr } from '../../model/types';
import type { SqlNode } from '../ast';
import {
  and,
  countDistinct,
  func,
  ident,
  jsonText,
  param,
  paren,
  raw,
  select,
  sql,
  timeBucket,
} from '../factories';
import { cast, fn } from '../functions';
import { modelCall } from './model-functions';
import { guardedSource } from './row-access';

/** How a measure is written: aggregated (the normal case) or per row (ungrouped queries). */
export type Aggregation = 'aggregate' | 'row';

/**
 * Renders model SQL (the trusted text of cube files) with the query's table aliases: a cube's
 * alias is its name, which is unique within one query because join paths are unique.
 */
export class MemberCompiler {
  /** `now` is what `{NOW}` binds to; without it `{NOW}` is the database's current_timestamp. */
  constructor(
    readonly model: Model,
    private readonly now?: Date,
  ) {}

  cube(name: string): Cube {
    const c = this.model.cubes.get(name);
    if (!c) throw new Error(`no cube ${name}`);
    return c;
  }

  expr(e: ModelExpr, cube: string, aggregation: Aggregation = 'aggregate'): SqlNode {
    return this.items(gatherCalls(e.parts), cube, aggregation);
  }

  private items(items: readonly ExprItem[], cube: string, aggregation: Aggregation): SqlNode {
    const parts: SqlNode[] = items.map((p) => {
      switch (p.kind) {
        case 'call':
          return modelCall(
            p.name,
            p.args,
            p.args.map((a) => this.items(a, cube, aggregation)),
          );
        case 'text':
          return raw(p.text);
        case 'self':
          return ident(cube);
        case 'cube':
          return ident(p.cube);
        case 'column':
          return ident(cube, p.name);
        case 'now':
          return this.now ? cast(param(this.now.toISOString().slice(0, 23)), 'timestamp') : fn.now();
        case 'json_text':
          return jsonText(this.expr({ parts: p.of, source: '' }, cube, aggregation), p.path);
        case 'table':
          // Under the cube's row-level rules, like every other read of its table.
          return paren(select({ columns: [{ expr: raw('*') }], from: guardedSource(this, p.cube) }));
        case 'member': {
          const target = this.cube(p.cube);
          const dim = target.dimensions.get(p.member);
          if (dim) return paren(this.dimension(dim));
          const measure = target.measures.get(p.member);
          if (measure) return paren(this.measure(measure, aggregation));
          throw new Error(`unresolved reference ${p.cube}.${p.member}`);
        }
        default:
          throw new Error(`unknown expression part ${JSON.stringify(p)}`);
      }
    });
    return parts.length === 1 ? parts[0]! : { kind: 'fragment', parts };
  }

  dimension(d: Dimension): SqlNode {
    return this.expr(d.sql, d.cube);
  }

  /**
   * A query dimension: time dimensions with a granularity are bucketed (in the query's zone),
   * boolean ones answer true/false on every engine.
   */
  queryDimension(d: LogicalDimension, timezone: string | undefined): SqlNode {
    const e = this.dimension(d.dimension);
    if (d.dimension.type === 'boolean') return fn.asBoolean(e);
    return d.granularity ? timeBucket(d.granularity, e, d.dimension.calendarDate ? undefined : timezone) : e;
  }

  /** The measure's filters as one condition, or undefined. */
  measureFilter(m: Measure): SqlNode | undefined {
    return and(m.filters.map((f) => this.expr(f, m.cube)));
  }

  measure(m: Measure, aggregation: Aggregation = 'aggregate'): SqlNode {
    const filter = this.measureFilter(m);
    const value = m.sql ? this.expr(m.sql, m.cube, aggregation) : undefined;
    if (aggregation === 'row') {
      if (m.type === 'number') return value!;
      const v =
        m.type === 'count'
          ? value
            ? sql`CASE WHEN ${value} IS NOT NULL THEN 1 ELSE 0 END`
            : raw('1')
          : value!;
      return filter === undefined ? v : sql`CASE WHEN ${filter} THEN ${v} END`;
    }
    switch (m.type) {
      case 'count':
        return func('count', value ? [value] : [], { filter });
      case 'count_distinct':
        return countDistinct(value!, false, filter);
      case 'count_distinct_approx':
        return countDistinct(value!, true, filter);
      case 'number':
        return value!;
      default:
        return func(m.type, [value!], { filter });
    }
  }

  /** The primary-key dimensions of a cube, for aggregating multiplied measures over distinct rows. */
  primaryKey(cube: string): SqlNode[] {
    return [...this.cube(cube).dimensions.values()].filter((d) => d.primaryKey).map((d) => this.dimension(d));
  }

  member(fullName: string): Dimension | Measure {
    const [c, m] = splitMemberName(fullName) ?? [];
    const cube = this.cube(c!);
    return cube.dimensions.get(m!) ?? cube.measures.get(m!)!;
  }
}
