import { AppError } from '../errors';
import type { FilterValue, LogicalFilter } from '../model/logical-query';
import { findMember } from '../model/lookup';
import type { Dimension, Measure, Model } from '../model/types';
import { DateRangeError, resolveDateRange } from './date-range';
import type { MemberFilter, QueryFilter } from './schema';

export interface FilterContext {
  readonly model: Model;
  /** The zone relative date ranges are read in (UTC unless the query says otherwise). */
  readonly timezone: string;
  readonly now: Date;
}

const BY_TYPE: Record<string, readonly string[]> = {
  string: [
    'equals',
    'notEquals',
    'in',
    'notIn',
    'contains',
    'notContains',
    'startsWith',
    'notStartsWith',
    'endsWith',
    'notEndsWith',
    'set',
    'notSet',
  ],
  number: ['equals', 'notEquals', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'set', 'notSet'],
  boolean: ['equals', 'notEquals', 'in', 'notIn', 'set', 'notSet'],
  time: [
    'equals',
    'notEquals',
    'in',
    'notIn',
    'gt',
    'gte',
    'lt',
    'lte',
    'set',
    'notSet',
    'inDateRange',
    'notInDateRange',
    'beforeDate',
    'beforeOrOnDate',
    'afterDate',
    'afterOrOnDate',
  ],
  measure: ['equals', 'notEquals', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'set', 'notSet', 'measureFilter'],
};

function invalid(member: string, message: string): AppError {
  return new AppError('INVALID_QUERY', `filter on ${member}: ${message}`, { member });
}

function typed(member: Dimension | Measure, value: unknown): FilterValue {
  const type = member.kind === 'measure' ? 'number' : member.type;
  if (value === null) throw invalid(member.fullName, 'a value is null; use the set or notSet operator');
  switch (type) {
    case 'number': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : Number.NaN;
      if (!Number.isFinite(n)) throw invalid(member.fullName, `${JSON.stringify(value)} is not a number`);
      // Such an integer has lost digits already, and beyond 2^63 the engine cannot bind it.
      if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
        throw invalid(
          member.fullName,
          `${JSON.stringify(value)} is beyond the ±2^53 integers a filter compares exactly`,
        );
      }
      return n;
    }
    case 'boolean':
      if (value === true || value === 'true' || value === 1 || value === '1') return true;
      if (value === false || value === 'false' || value === 0 || value === '0') return false;
      throw invalid(member.fullName, `${JSON.stringify(value)} is not a boolean`);
    case 'time': {
      const s = String(value);
      if (
        !/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$/.test(s) ||
        Number.isNaN(Date.parse(s.replace(' ', 'T')))
      ) {
        throw invalid(member.fullName, `${JSON.stringify(value)} is not a timestamp (YYYY-MM-DD[THH:MM:SS])`);
      }
      return s.replace(' ', 'T');
    }
    default:
      return String(value);
  }
}

function dateRange(f: MemberFilter, member: string, values: readonly unknown[], ctx: FilterContext) {
  const strings = values.map((v) => (typeof v === 'string' ? v : ''));
  if (strings.some((s) => s === '') || strings.length < 1 || strings.length > 2) {
    throw invalid(
      member,
      `${f.operator} takes a date range: one relative range such as "last 7 days", or [from, to]`,
    );
  }
  try {
    return resolveDateRange(
      strings.length === 1 ? strings[0]! : [strings[0]!, strings[1]!],
      ctx.timezone,
      ctx.now,
    );
  } catch (e) {
    if (e instanceof DateRangeError) throw invalid(member, e.message);
    throw e;
  }
}

/** One member filter of the query as a logical condition. */
function memberFilter(f: MemberFilter, ctx: FilterContext): LogicalFilter {
  const name = (f.member ?? f.dimension)!;
  // `cube.time.month` filters the time dimension; `cube.properties.plan` is a key of a JSON one.
  const base = name.split('.').slice(0, 2).join('.');
  const head = findMember(ctx.model, base, undefined, 'filters');
  const found =
    head.kind === 'dimension' && head.member.json && name !== base
      ? findMember(ctx.model, name, undefined, 'filters')
      : head;
  if (found.kind === 'segment') throw invalid(name, 'a segment is not filtered; list it in segments');
  const member = found.member;
  const kind = member.kind === 'measure' ? 'measure' : member.type;
  if (!BY_TYPE[kind]!.includes(f.operator)) {
    throw invalid(
      name,
      `the operator ${f.operator} does not apply to a ${kind === 'measure' ? 'measure' : `${kind} dimension`}`,
    );
  }
  const values = f.values ?? [];
  const cond = (
    operator: Extract<LogicalFilter, { kind: 'condition' }>['operator'],
    vals: readonly FilterValue[],
  ): LogicalFilter => ({
    kind: 'condition',
    member,
    operator,
    values: vals,
  });
  switch (f.operator) {
    case 'set':
    case 'notSet':
      return cond(f.operator, []);
    case 'measureFilter': {
      const m = member as Measure;
      if (m.filters.length === 0) throw invalid(name, 'the measure has no filters to apply');
      return { kind: 'measure_filter', measure: m };
    }
    case 'inDateRange':
    case 'notInDateRange': {
      const r = dateRange(f, name, values, ctx);
      return cond(f.operator, [r.from, r.toExclusive]);
    }
    case 'beforeDate':
    case 'beforeOrOnDate':
    case 'afterDate':
    case 'afterOrOnDate': {
      // As Cube: the value's start is the cut-off for all four (afterDate "2025-12-31" means after its midnight).
      const r = dateRange({ ...f, operator: 'inDateRange' }, name, values.slice(0, 1), ctx);
      return cond(f.operator, [r.from]);
    }
    default: {
      if (values.length === 0) throw invalid(name, `${f.operator} needs at least one value`);
      const vals = values.map((v) => typed(member, v));
      const operator = f.operator === 'in' ? 'equals' : f.operator === 'notIn' ? 'notEquals' : f.operator;
      if (['gt', 'gte', 'lt', 'lte'].includes(operator) && vals.length !== 1) {
        throw invalid(name, `${f.operator} takes exactly one value`);
      }
      return cond(operator as Extract<LogicalFilter, { kind: 'condition' }>['operator'], vals);
    }
  }
}

function convert(f: QueryFilter, ctx: FilterContext): LogicalFilter {
  if ('and' in f) return { kind: 'and', children: f.and.map((c) => convert(c, ctx)) };
  if ('or' in f) return { kind: 'or', children: f.or.map((c) => convert(c, ctx)) };
  return memberFilter(f, ctx);
}

/** Whether a condition tree is about measures (HAVING), rows (WHERE) or both. */
export function filterKind(f: LogicalFilter): 'rows' | 'aggregates' | 'mixed' {
  if (f.kind === 'segment' || f.kind === 'measure_filter') return 'rows';
  if (f.kind === 'condition') return f.member.kind === 'measure' ? 'aggregates' : 'rows';
  const kinds = new Set(f.children.map(filterKind));
  if (kinds.has('mixed') || kinds.size > 1) return 'mixed';
  return kinds.values().next().value ?? 'rows';
}

/** The query's filters, split into row conditions and aggregate conditions. */
export function resolveFilters(
  filters: readonly QueryFilter[],
  ctx: FilterContext,
): { rows: LogicalFilter[]; aggregates: LogicalFilter[] } {
  const rows: LogicalFilter[] = [];
  const aggregates: LogicalFilter[] = [];
  for (const f of filters) {
    const logical = convert(f, ctx);
    const kind = filterKind(logical);
    if (kind === 'mixed') {
      throw new AppError(
        'INVALID_QUERY',
        'a filter group mixes measures and dimensions; filter them in separate top-level filters',
      );
    }
    (kind === 'rows' ? rows : aggregates).push(logical);
  }
  return { rows, aggregates };
}
