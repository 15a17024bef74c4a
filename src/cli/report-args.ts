import type { z } from 'zod';
import { AppError } from '../errors';
import { flagOf, type ParamField, paramFields } from './report-schema';

function coerce(type: string | undefined, raw: string): unknown {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // not JSON: taken as text below
    }
  }
  switch (type) {
    case 'number':
    case 'int':
      return Number.isFinite(Number(trimmed)) && trimmed !== '' ? Number(trimmed) : raw;
    case 'boolean':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : raw;
    case 'array':
      return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
    case 'union':
      return Number.isFinite(Number(trimmed)) && trimmed !== '' ? Number(trimmed) : raw;
    default:
      return raw;
  }
}

/**
 * Report parameters from CLI flags: `--kebab-name value` becomes `kebab_name`, typed by the
 * report's zod schema (numbers, booleans, comma lists, JSON for objects and filters). A flag
 * without a value is `true`. `checkParams` then validates them against the schema.
 */
export function paramsFromArgs(schema: z.ZodType, args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const types = new Map(paramFields(schema).map((f) => [f.key, f.type]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--'))
      throw new AppError('VALIDATION_FAILED', `unexpected argument "${arg}"; parameters are --name value`);
    const eq = arg.indexOf('=');
    const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).replaceAll('-', '_');
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (value === undefined) {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    out[name] = value === undefined ? true : coerce(types.get(name), value);
  }
  return out;
}

const article = (what: string): string =>
  ({ integer: 'an integer', number: 'a number', json: 'JSON', text: 'text', 'cube.member': 'a cube member' })[
    what
  ] ?? what;

const orList = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** What a flag's value must be, in words: "a comma-separated list", "an integer from 2 to 10" … */
function expected(f: ParamField): string {
  switch (f.value) {
    case 'list':
      return f.element?.includes('|') && !f.element.includes('json')
        ? `a comma-separated list of ${f.element.split('|').join(', ')}`
        : 'a comma-separated list';
    case 'json':
      return 'JSON';
    case 'date':
      return 'a date (YYYY-MM-DD)';
    case 'integer':
    case 'number': {
      const kind = article(f.value);
      if (f.min?.inclusive && f.max?.inclusive) return `${kind} from ${f.min.value} to ${f.max.value}`;
      const lo = f.min ? ` ${f.min.inclusive ? 'at least' : 'above'} ${f.min.value}` : '';
      const hi = f.max ? `${lo ? ',' : ''} ${f.max.inclusive ? 'at most' : 'below'} ${f.max.value}` : '';
      return `${kind}${lo}${hi}`;
    }
    case 'true|false':
      return 'true or false';
    case 'cube.member':
      return 'a cube member (cube.member)';
    case 'text':
      return 'text';
    default:
      return f.values ? `one of ${f.values.join(', ')}` : orList(f.value.split('|').map(article));
  }
}

const isPrimitive = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const shown = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : String(v));
const got = (v: unknown): string => (isPrimitive(v) ? `, got ${shown(v)}` : '');

/** Where in a flag's value an issue is: `--steps (item 3, event)`. */
function whereIn(flag: string, rest: readonly PropertyKey[]): string {
  if (rest.length === 0) return flag;
  const parts = rest.map((p) => (typeof p === 'number' ? `item ${p + 1}` : String(p)));
  return `${flag} (${parts.join(', ')})`;
}

type Issue = z.core.$ZodIssue & { input?: unknown };

const mismatch = (i: Issue) =>
  i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');

/** One zod issue of report parameters as a sentence naming the flag. */
function sentence(
  issue: Issue,
  fields: ReadonlyMap<string, ParamField>,
  report: string,
  prefix: readonly PropertyKey[] = [],
): string {
  const path = [...prefix, ...issue.path];
  const [key, ...rest] = path;
  const f = typeof key === 'string' ? fields.get(key) : undefined;
  const flag = typeof key === 'string' ? flagOf(key) : undefined;
  const top = rest.length === 0;
  if (issue.code === 'invalid_union') {
    const branches = (issue.errors as Issue[][]).filter((b) => b.length > 0);
    // A value of no branch's kind is described by the field; otherwise the branch the value
    // got furthest into (not a kind mismatch, fewest issues) says what is wrong.
    if (branches.every((b) => b.every(mismatch))) {
      if (flag && f && top) return `${flag} must be ${expected(f)}${got(issue.input)}`;
    } else {
      const rank = (b: Issue[]) => (b.every(mismatch) ? 1000 : 0) + b.length;
      const best = [...branches].sort((a, b) => rank(a) - rank(b))[0]![0]!;
      return sentence({ ...best, input: best.input ?? issue.input } as Issue, fields, report, path);
    }
  }
  if (issue.code === 'unrecognized_keys') {
    const flags = issue.keys.map((k) => flagOf(k)).join(', ');
    if (flag === undefined)
      return `unknown parameter${issue.keys.length > 1 ? 's' : ''} ${flags}; the parameters of ${report}: ${[
        ...fields.values(),
      ]
        .map((x) => x.flag)
        .join(', ')}`;
    return `${whereIn(flag, rest)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  }
  if (flag === undefined) return issue.message;
  const where = whereIn(flag, rest);
  if (top && f) {
    if (issue.code === 'invalid_type' && issue.input === undefined)
      return `${flag} is required (${expected(f)})`;
    if (issue.input === true && f.type !== 'boolean') return `${flag} needs a value (${expected(f)})`;
    if (issue.code === 'invalid_type') return `${flag} must be ${expected(f)}${got(issue.input)}`;
  }
  if (issue.code === 'invalid_value' && issue.values.length > 1)
    return `${where} must be one of ${issue.values.map(String).join(', ')}${got(issue.input)}`;
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    const small = issue.code === 'too_small';
    const bound = small ? issue.minimum : issue.maximum;
    const words = small ? (issue.inclusive ? 'at least' : 'above') : issue.inclusive ? 'at most' : 'below';
    return `${where} must be ${words} ${String(bound)}${got(issue.input)}`;
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  return `${where}: ${message}${isPrimitive(issue.input) ? ` (got ${shown(issue.input)})` : ''}`;
}

/**
 * Validates report parameters given as flags; every problem is named by its flag ("--steps is
 * required (a comma-separated list)") rather than by zod's path and type names.
 */
export function checkParams(schema: z.ZodType, params: Record<string, unknown>, report: string): void {
  const r = schema.safeParse(params, { reportInput: true });
  if (r.success) return;
  const fields = new Map(paramFields(schema).map((f) => [f.key, f]));
  const sentences = [...new Set(r.error.issues.map((i) => sentence(i as Issue, fields, report)))];
  const issues = r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw new AppError(
    'VALIDATION_FAILED',
    sentences.length === 1
      ? `${sentences[0]}; see rapport report ${report} --help`
      : `invalid ${report} parameters (see rapport report ${report} --help):\n  ${sentences.join('\n  ')}`,
    { issues },
  );
}
