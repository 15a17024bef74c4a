/**
 * Model functions (`{fn:name}(…)`, gathered and checked by model/expression-calls.ts) as
 * function-table nodes, which each dialect writes.
 */
import {
  type ExprItem,
  fractionArgument as fraction,
  unitArgument as unit,
} from '../../model/expression-calls';
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
