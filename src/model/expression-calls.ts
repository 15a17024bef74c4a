import type { ExprPart } from './types';

/**
 * Functions model SQL may call as `{fn:name}(args)`, for SQL both engines accept: the SQL dialect
 * writes each (docs/dialects.md), with its number of arguments (-1: two or more). `date_diff`
 * and `date_part` take the unit as a quoted literal first (`{fn:date_diff}('day', a, b)`), the
 * quantiles the fraction (`{fn:quantile_cont}(0.9, x)`); `to_double` and the other `to_…` are
 * casts that keep NULL (a plain CAST in ClickHouse refuses it).
 */
export const MODEL_FUNCTIONS: Readonly<Record<string, number>> = {
  date_diff: 3,
  date_part: 2,
  epoch_seconds: 1,
  arg_max: 2,
  arg_min: 2,
  arg_max_null: 2,
  arg_min_null: 2,
  median: 1,
  quantile_cont: 2,
  quantile_disc: 2,
  string_agg: 2,
  greatest: -1,
  least: -1,
  to_double: 1,
  to_bigint: 1,
  to_text: 1,
  to_timestamp: 1,
  to_date: 1,
};

const DATE_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const PART_UNITS = [...DATE_UNITS, 'dow', 'doy'];

/** A model expression's parts with each `{fn:name}(…)` gathered into one call. */
export type ExprItem =
  | Exclude<ExprPart, { kind: 'function' }>
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly (readonly ExprItem[])[] };

type Token = { readonly char: string } | { readonly part: ExprPart };

/**
 * Gathers `{fn:name}` and the parenthesised arguments that follow it (in text and reference
 * parts alike) into calls, splitting the arguments at top-level commas, outside quotes; checks
 * each call's name, number of arguments and literals. Throws with a message for the model file.
 */
export function gatherCalls(expression: readonly ExprPart[]): ExprItem[] {
  const out: ExprItem[] = [];
  let parts = expression;
  let i = 0;
  while (i < parts.length) {
    const p = parts[i]!;
    i++;
    if (p.kind !== 'function') {
      out.push(p);
      continue;
    }
    const tokens: Token[] = parts
      .slice(i)
      .flatMap((q): Token[] => (q.kind === 'text' ? [...q.text].map((char) => ({ char })) : [{ part: q }]));
    const args: Token[][] = [[]];
    let depth = 0;
    let quote: string | undefined;
    let used = 0;
    for (const t of tokens) {
      used++;
      if ('part' in t) {
        if (depth === 0) throw new Error(`{fn:${p.name}} must be followed by its arguments in ( )`);
        args[args.length - 1]!.push(t);
        continue;
      }
      const c = t.char;
      if (depth === 0) {
        if (c === '(') depth = 1;
        else if (!/\s/.test(c)) throw new Error(`{fn:${p.name}} must be followed by its arguments in ( )`);
        continue;
      }
      if (quote !== undefined) {
        if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      if (depth === 0) break;
      if (depth === 1 && quote === undefined && c === ',') args.push([]);
      else args[args.length - 1]!.push(t);
    }
    if (depth !== 0) throw new Error(`{fn:${p.name}}: unbalanced parentheses`);
    const call = {
      kind: 'call' as const,
      name: p.name,
      args: args.map((a) => gatherCalls(untokenize(trim(a)))),
    };
    checkCall(call);
    out.push(call);
    // The rest: whatever of the text part the call ended in, then the parts after it.
    parts = untokenize(tokens.slice(used));
    i = 0;
  }
  return out;
}

function checkCall(call: Extract<ExprItem, { kind: 'call' }>): void {
  const arity = MODEL_FUNCTIONS[call.name];
  if (arity === undefined) throw new Error(`{fn:${call.name}} is not a portable function`);
  const n = call.args.length === 1 && call.args[0]!.length === 0 ? 0 : call.args.length;
  if (arity === -1 ? n < 2 : n !== arity)
    throw new Error(`{fn:${call.name}} takes ${arity === -1 ? 'two or more' : arity} arguments, not ${n}`);
  if (call.name === 'date_diff') unitArgument(call.args[0], DATE_UNITS);
  if (call.name === 'date_part') unitArgument(call.args[0], PART_UNITS);
  if (call.name.startsWith('quantile_')) fractionArgument(call.args[0]);
}

function trim(tokens: readonly Token[]): Token[] {
  const blank = (t: Token | undefined) => t !== undefined && 'char' in t && /\s/.test(t.char);
  let a = 0;
  let b = tokens.length;
  while (a < b && blank(tokens[a])) a++;
  while (b > a && blank(tokens[b - 1])) b--;
  return tokens.slice(a, b);
}

function untokenize(tokens: readonly Token[]): ExprPart[] {
  const parts: ExprPart[] = [];
  let text = '';
  for (const t of tokens) {
    if ('char' in t) {
      text += t.char;
      continue;
    }
    if (text.length > 0) parts.push({ kind: 'text', text });
    text = '';
    parts.push(t.part);
  }
  if (text.length > 0) parts.push({ kind: 'text', text });
  return parts;
}

/** The literal an argument is written as, if it is one piece of text. */
function literal(arg: readonly ExprItem[] | undefined): string {
  const only = arg?.length === 1 ? arg[0] : undefined;
  if (only?.kind !== 'text') throw new Error('expected a literal argument');
  return only.text.trim();
}

/** A unit argument (`'day'`) as its word. */
export function unitArgument(
  arg: readonly ExprItem[] | undefined,
  allowed: readonly string[] = PART_UNITS,
): string {
  const text = literal(arg);
  const m = /^'([a-z]+)'$/.exec(text);
  if (!m || !allowed.includes(m[1]!))
    throw new Error(`expected a quoted unit (${allowed.join(', ')}), not ${text}`);
  return m[1]!;
}

/** A fraction argument (`0.9`) as its number. */
export function fractionArgument(arg: readonly ExprItem[] | undefined): number {
  const text = literal(arg);
  if (!/^(0|1|0?\.\d+)$/.test(text)) throw new Error(`expected a fraction between 0 and 1, not ${text}`);
  return Number(text);
}
