import type { z } from 'zod';
import { AppError } from '../errors';

/** The zod type name of an object schema's field, looking through defaults and optionals. */
function fieldType(schema: z.ZodType, key: string): string | undefined {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  let t: z.ZodType | undefined = shape?.[key];
  for (let i = 0; t && i < 5; i++) {
    const def = (t as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })
      ._zod.def;
    if (def.type === 'default' || def.type === 'optional' || def.type === 'nullable') t = def.innerType;
    else if (def.type === 'pipe') t = def.in;
    else return def.type;
  }
  return undefined;
}

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
 * without a value is `true`. Validation is left to the schema, so errors read the same as HTTP.
 */
export function paramsFromArgs(schema: z.ZodType, args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
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
    out[name] = value === undefined ? true : coerce(fieldType(schema, name), value);
  }
  return out;
}
