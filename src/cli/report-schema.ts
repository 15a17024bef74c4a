import type { z } from 'zod';

/**
 * What the CLI needs to know about one parameter of a report's zod schema: how its flag's
 * value is typed, whether it is required, its default and bounds. Read from zod's definitions
 * (`schema._zod.def`), looking through optional, default, nullable and pipe wrappers.
 */
export interface ParamField {
  /** The parameter (`as_of`). */
  readonly key: string;
  /** Its flag (`--as-of`). */
  readonly flag: string;
  /** The zod type under the wrappers: string, number, boolean, enum, array, union, object … */
  readonly type: string;
  /** How a value is written on the command line: `<date>`, `<integer>`, `<list>`, `<a|b|c>` … */
  readonly value: string;
  readonly required: boolean;
  readonly default?: unknown;
  /** A number's bounds, an array's or a string's length bounds. */
  readonly min?: { value: number; inclusive: boolean };
  readonly max?: { value: number; inclusive: boolean };
  /** An enum's values. */
  readonly values?: readonly string[];
  /** The element type of an array. */
  readonly element?: string;
  /** The schema's own description (`.describe()` or `.meta({description})`), if any. */
  readonly description?: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: { _zod: { def: CheckDef } }[];
  defaultValue?: unknown;
  getter?: () => z.ZodType;
}

interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: RegExp;
}

const defOf = (t: z.ZodType): Def => (t as unknown as { _zod: { def: Def } })._zod.def;
const descriptionOf = (t: z.ZodType): string | undefined =>
  (t as unknown as { description?: string }).description;

const DATE_PATTERN = String.raw`^\d{4}-\d{2}-\d{2}$`;
const MEMBER_PATTERN = String.raw`^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$`;

/** The object schema's fields, looking through pipes (a `.transform` of the whole object). */
export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  let t: z.ZodType | undefined = schema;
  for (let i = 0; t && i < 5; i++) {
    const def = defOf(t);
    if (def.type === 'object') return def.shape ?? {};
    t = def.type === 'pipe' ? def.in : def.innerType;
  }
  return {};
}

/** Looks through wrappers: the core type, and what the wrappers said. */
function unwrap(t: z.ZodType): {
  core: z.ZodType;
  optional: boolean;
  default?: unknown;
  description?: string;
} {
  let optional = false;
  let dflt: { value: unknown } | undefined;
  let description = descriptionOf(t);
  let core = t;
  for (let i = 0; i < 10; i++) {
    const def = defOf(core);
    if (def.type === 'optional' || def.type === 'nullable') optional = true;
    else if (def.type === 'default' || def.type === 'prefault') {
      if (!dflt) dflt = { value: def.defaultValue };
    } else if (def.type === 'lazy' && def.getter) {
      core = def.getter();
      continue;
    } else if (def.type !== 'pipe' && def.type !== 'readonly' && def.type !== 'catch') break;
    const next = def.type === 'pipe' ? def.in : def.innerType;
    if (!next) break;
    core = next;
    description ??= descriptionOf(core);
  }
  return {
    core,
    optional: optional || dflt !== undefined,
    ...(dflt ? { default: dflt.value } : {}),
    description,
  };
}

function checksOf(def: Def): CheckDef[] {
  return (def.checks ?? []).map((c) => c._zod.def);
}

/** A short name of what a value of this type is, for `<value>` in help and error messages. */
function valueName(t: z.ZodType): string {
  const { core } = unwrap(t);
  const def = defOf(core);
  const checks = checksOf(def);
  switch (def.type) {
    case 'string': {
      const pattern = checks.find((c) => c.pattern)?.pattern?.source;
      if (pattern === DATE_PATTERN) return 'date';
      if (pattern === MEMBER_PATTERN) return 'cube.member';
      return 'text';
    }
    case 'number':
      return checks.some((c) => c.format === 'safeint' || c.format === 'int32') ? 'integer' : 'number';
    case 'boolean':
      return 'true|false';
    case 'enum':
      return Object.values(def.entries ?? {}).join('|');
    case 'literal':
      return (def.values ?? []).map(String).join('|');
    case 'array':
      return 'list';
    case 'union':
      return [...new Set((def.options ?? []).map(valueName))].join('|');
    case 'object':
    case 'record':
    case 'tuple':
      return 'json';
    default:
      return 'value';
  }
}

/** The flag of a parameter: `as_of` → `--as-of`. */
export const flagOf = (key: string): string => `--${key.replaceAll('_', '-')}`;

/** The parameters of a report's schema, in the schema's order. */
export function paramFields(schema: z.ZodType): ParamField[] {
  return Object.entries(shapeOf(schema)).map(([key, t]) => {
    const u = unwrap(t);
    const def = defOf(u.core);
    const checks = checksOf(def);
    let min: ParamField['min'];
    let max: ParamField['max'];
    for (const c of checks) {
      if (c.check === 'greater_than' && c.value !== undefined)
        min = { value: c.value, inclusive: c.inclusive ?? true };
      if (c.check === 'less_than' && c.value !== undefined)
        max = { value: c.value, inclusive: c.inclusive ?? true };
      if ((c.check === 'min_length' || c.check === 'length_equals') && c.minimum !== undefined)
        min = { value: c.minimum, inclusive: true };
      if (c.check === 'max_length' && c.maximum !== undefined) max = { value: c.maximum, inclusive: true };
    }
    let value = valueName(u.core);
    let element: string | undefined;
    if (def.type === 'array' && def.element) {
      element = valueName(def.element);
      // Filters and other arrays of objects are given as JSON; the others as comma lists.
      value = element === 'json' ? 'json' : 'list';
    }
    return {
      key,
      flag: flagOf(key),
      type: def.type,
      value,
      required: !u.optional,
      ...('default' in u ? { default: u.default } : {}),
      ...(min ? { min } : {}),
      ...(max ? { max } : {}),
      ...(def.type === 'enum' ? { values: Object.values(def.entries ?? {}).map(String) } : {}),
      ...(element ? { element } : {}),
      ...(u.description ? { description: u.description } : {}),
    };
  });
}

/** A field by key, or undefined. */
export function paramField(schema: z.ZodType, key: string): ParamField | undefined {
  return paramFields(schema).find((f) => f.key === key);
}
