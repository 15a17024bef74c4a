import type {
  CountDistinctNode,
  FragmentNode,
  FuncNode,
  IdentNode,
  JsonTextNode,
  ListNode,
  ParamNode,
  RawNode,
  SelectNode,
  SqlNode,
  SqlValue,
  TextMatchNode,
  TimeBucketNode,
} from './ast';
import { isSqlNode } from './ast';

export function raw(text: string): RawNode {
  return { kind: 'raw', text };
}

export function param(value: SqlValue, type?: string): ParamNode {
  return type === undefined ? { kind: 'param', value } : { kind: 'param', value, type };
}

export function ident(...path: string[]): IdentNode {
  if (path.length === 0 || path.some((p) => p.length === 0)) {
    throw new Error(`empty identifier in ${JSON.stringify(path)}`);
  }
  return { kind: 'ident', path };
}

export function list(items: readonly SqlNode[], separator = ', '): ListNode {
  return { kind: 'list', items, separator };
}

export type SqlInterpolation = SqlNode | SqlValue | undefined;

/**
 * Template tag: literal text is trusted SQL, every interpolated plain value becomes a bound
 * parameter, interpolated nodes are embedded as they are. Unlike mosaic's tag, a string is
 * never spliced into the text.
 */
export function sql(strings: TemplateStringsArray, ...values: SqlInterpolation[]): FragmentNode {
  const parts: SqlNode[] = [];
  strings.forEach((s, i) => {
    if (s.length > 0) parts.push(raw(s));
    if (i < values.length) {
      const v = values[i];
      if (v === undefined) throw new Error('undefined interpolated into sql``');
      parts.push(isSqlNode(v) ? v : param(v as SqlValue));
    }
  });
  return { kind: 'fragment', parts };
}

export function join(nodes: readonly SqlNode[], separator: string): ListNode {
  return list(nodes, separator);
}

export function paren(node: SqlNode): FragmentNode {
  return sql`(${node})`;
}

export function func(
  name: string,
  args: readonly SqlNode[],
  options: { distinct?: boolean; filter?: SqlNode } = {},
): FuncNode {
  return { kind: 'func', name, args, ...options };
}

export function countDistinct(expr: SqlNode, approx = false, filter?: SqlNode): CountDistinctNode {
  return filter === undefined
    ? { kind: 'count_distinct', expr, approx }
    : { kind: 'count_distinct', expr, approx, filter };
}

/** Conjunction of conditions; undefined for none. Each operand is parenthesised. */
export function and(conditions: readonly SqlNode[]): SqlNode | undefined {
  if (conditions.length === 0) return undefined;
  if (conditions.length === 1) return conditions[0];
  return list(conditions.map(paren), ' AND ');
}

export function or(conditions: readonly SqlNode[]): SqlNode | undefined {
  if (conditions.length === 0) return undefined;
  if (conditions.length === 1) return conditions[0];
  return list(conditions.map(paren), ' OR ');
}

export function timeBucket(granularity: string, expr: SqlNode, timezone?: string): TimeBucketNode {
  return timezone === undefined
    ? { kind: 'time_bucket', granularity, expr }
    : { kind: 'time_bucket', granularity, expr, timezone };
}

export function jsonText(expr: SqlNode, path: readonly string[]): JsonTextNode {
  return { kind: 'json_text', expr, path };
}

export function textMatch(mode: TextMatchNode['mode'], expr: SqlNode, value: SqlNode): TextMatchNode {
  return { kind: 'text_match', mode, expr, value };
}

export function select(node: Omit<SelectNode, 'kind'>): SelectNode {
  return { kind: 'select', ...node };
}
