import type { ExprPart } from '../../model/types';
import type { SqlNode } from '../ast';
import { cast, fn } from '../functions';

/** The model's casts, by the logical type they give. */
const CASTS: Record<string, string> = {
  to_double: 'double',
  to_bigint: 'bigint',
  to_text: 'text',
  to_timestamp: 'timestamp',
  to_date: 'date',
};

/** A model expression's parts with each `{fn:name}(…)` gathered into one call. */
export type ExprItem =
  | Exclude<ExprPart, { kind: 'function' }>
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly (readonly ExprItem[])[] };

type Token = { readonly char: string } | { readonly part: ExprPart };

/**
 * Gathers `{fn:name}` and the parenthesised arguments that follow it (in text and reference
 * parts alike) into calls, splitting the arguments at top-level commas, outside quotes.
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
    out.push({ kind: 'call', name: p.name, args: args.map((a) => gatherCalls(untokenize(trim(a)))) });
    // The rest: whatever of the text part the call ended in, then the parts after it.
    parts = untokenize(tokens.slice(used));
    i = 0;
  }
  return out;
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

/** The literal an argument is written as (a unit in quotes, a fraction), if it is one text part. */
function literal(arg: readonly ExprItem[] | undefined): string {
  const only = arg?.length === 1 ? arg[0] : undefined;
  if (only?.kind !== 'text') throw new Error('expected a literal argument');
  return only.text.trim();
}

function unit(arg: readonly ExprItem[] | undefined): string {
  const text = literal(arg);
  const m = /^'([a-z]+)'$/.exec(text);
  if (!m) throw new Error(`expected a quoted unit such as 'day', not ${text}`);
  return m[1]!;
}

function fraction(arg: readonly ExprItem[] | undefined): number {
  const text = literal(arg);
  if (!/^(0|1|0?\.\d+)$/.test(text)) throw new Error(`expected a fraction between 0 and 1, not ${text}`);
  return Number(text);
}

/** The function-table (or cast) node of a model function call, given its arguments compiled. */
export function modelCall(
  name: string,
  raw: readonly (readonly ExprItem[])[],
  args: readonly SqlNode[],
): SqlNode {
  const count = (n: number) => {
    if (args.length !== n) throw new Error(`{fn:${name}} takes ${n} arguments, not ${args.length}`);
  };
  const type = CASTS[name];
  if (type !== undefined) {
    count(1);
    return cast(args[0]!, type);
  }
  switch (name) {
    case 'date_diff':
      count(3);
      return fn.dateDiff(unit(raw[0]), args[1]!, args[2]!);
    case 'date_part':
      count(2);
      return fn.datePart(unit(raw[0]), args[1]!);
    case 'epoch_seconds':
      count(1);
      return fn.epochSeconds(args[0]!);
    case 'arg_max':
    case 'arg_max_null':
      count(2);
      return fn.argMax(args[0]!, args[1]!, name === 'arg_max_null');
    case 'arg_min':
    case 'arg_min_null':
      count(2);
      return fn.argMin(args[0]!, args[1]!, name === 'arg_min_null');
    case 'median':
      count(1);
      return fn.median(args[0]!);
    case 'quantile_cont':
    case 'quantile_disc':
      count(2);
      return fn.quantile(fraction(raw[0]), args[1]!, name === 'quantile_cont' ? 'cont' : 'disc');
    case 'string_agg':
      count(2);
      return fn.stringAgg(args[0]!, args[1]!);
    case 'greatest':
      return fn.greatest(...args);
    case 'least':
      return fn.least(...args);
    default:
      throw new Error(`{fn:${name}} is not a portable function`);
  }
}
