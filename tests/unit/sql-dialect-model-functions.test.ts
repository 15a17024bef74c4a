import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/model/expression';
import { gatherCalls } from '../../src/model/expression-calls';
import type { Model } from '../../src/model/types';
import { clickhouseDialect, duckdbDialect, render } from '../../src/sql';
import { MemberCompiler } from '../../src/sql/compile/members';

/** Model SQL's portable functions: `{fn:name}(…)`, checked when the model loads, written per engine. */

const parse = (source: string) => parseExpression(source, 'tickets');

/** Renders a model expression of cube `tickets` (no model needed: it references only its own columns). */
function rendered(source: string): { duckdb: string; clickhouse: string } {
  const { expr, issues } = parse(source);
  expect(issues).toEqual([]);
  const members = new MemberCompiler({ cubes: new Map() } as unknown as Model);
  const node = members.expr(expr, 'tickets');
  return { duckdb: render(node, duckdbDialect).text, clickhouse: render(node, clickhouseDialect).text };
}

describe('{fn:name}(…) in model SQL', () => {
  it('nests, with references inside the arguments', () => {
    const r = rendered(
      "{fn:median}({fn:date_diff}('second', {CUBE}.opened_at, {CUBE}.resolved_at) / 3600.0)",
    );
    expect(r.duckdb).toBe(
      `quantile_cont(date_diff('second', "tickets".opened_at, "tickets".resolved_at) / 3600.0, 0.5)`,
    );
    expect(r.clickhouse).toBe(
      "quantileExactInclusive(0.5)(dateDiff('second', `tickets`.opened_at, `tickets`.resolved_at) / 3600.0)",
    );
  });

  it('splits arguments only at top-level commas outside quotes', () => {
    const r = rendered('{fn:greatest}(coalesce({CUBE}.a, 0), \'x,y\', "odd,name") + 1');
    expect(r.duckdb).toBe(`greatest(coalesce("tickets".a, 0), 'x,y', "odd,name") + 1`);
  });

  it('writes arg_max_null and casts per engine', () => {
    const r = rendered('{fn:arg_max_null}(amount, entered_at) + {fn:to_double}(x)');
    expect(r.duckdb).toBe('arg_max_null(amount, entered_at) + CAST(x AS DOUBLE)');
    expect(r.clickhouse).toBe('argMax(tuple(amount), entered_at).1 + CAST(x AS Nullable(Float64))');
  });

  it('keeps the text around a call', () => {
    const parts = gatherCalls(parse('1 + {fn:epoch_seconds}({CUBE}.t) * 2').expr.parts);
    expect(parts.map((p) => p.kind)).toEqual(['text', 'call', 'text']);
  });

  it.each([
    ['{fn:nope}(x)', /\{fn:nope\} is not a portable function: use one of date_diff/],
    ['{fn:median} x', /must be followed by its arguments/],
    ['{fn:median}(x, y)', /takes 1 arguments, not 2/],
    ['{fn:greatest}(x)', /takes two or more arguments, not 1/],
    ['{fn:date_diff}(day, a, b)', /expected a quoted unit/],
    ["{fn:date_diff}('fortnight', a, b)", /expected a quoted unit/],
    ['{fn:quantile_cont}(1.5, x)', /expected a fraction between 0 and 1/],
    ['{fn:median}(x', /unbalanced parentheses/],
  ])('%s is a model error', (source, message) => {
    const { issues } = parse(source);
    expect(issues.map((i) => i.message).join('; ')).toMatch(message);
  });
});
