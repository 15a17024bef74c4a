import type { FieldSpec, RejectReason } from './field';

export type CastResult = { ok: true; value: unknown } | { ok: false; reason: RejectReason; message: string };

// The forms DuckDB's casts accept, which are authoritative: the loader casts in SQL.
const TIMESTAMP_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::\d{2})?)?$/;
const NUMBER_RE = /^[+-]?(\d(_?\d)*\.?(\d(_?\d)*)?|\.\d+)([eE][+-]?\d+)?$/;

function blank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function parseTimestamp(s: string): Date | undefined {
  const m = TIMESTAMP_RE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '00', se = '0'] = m.slice(1, 7).map((x) => x ?? undefined) as string[];
  if (!validCalendarDate(Number(y), Number(mo), Number(d))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return undefined;
  const iso = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}T${h.padStart(2, '0')}:${mi}:${se.padStart(2, '0')}`;
  const zone = m[7] ?? 'Z';
  const date = new Date(iso + (zone === 'Z' ? 'Z' : normaliseOffset(zone)));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function normaliseOffset(z: string): string {
  const digits = z.slice(1).replace(':', '');
  return `${z[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

/**
 * The JavaScript twin of the SQL cast in `cast-sql.ts`: one raw value → a typed value or a
 * reject reason. Used by the zod schemas and by the test that holds the two casts together.
 */
export function castValue(spec: FieldSpec, raw: unknown, fieldName: string): CastResult {
  if (blank(raw)) {
    return spec.required
      ? { ok: false, reason: 'missing_required', message: `${fieldName} is required` }
      : { ok: true, value: null };
  }
  if (spec.type === 'json') return castJson(raw, fieldName);
  const s = typeof raw === 'string' ? raw.trim() : String(raw);
  const bad = (reason: RejectReason, what: string): CastResult => ({
    ok: false,
    reason,
    message: `${fieldName}: ${JSON.stringify(s)} is not ${what}`,
  });
  switch (spec.type) {
    case 'string': {
      const lower = s.toLowerCase();
      if (spec.known?.includes(lower)) return { ok: true, value: lower };
      return { ok: true, value: spec.fold ? lower : s };
    }
    case 'enum': {
      const v = s.toLowerCase();
      return spec.values?.includes(v)
        ? { ok: true, value: v }
        : bad('unknown_enum', `one of ${spec.values?.join(', ')}`);
    }
    case 'integer':
    case 'decimal': {
      if (!NUMBER_RE.test(s)) return bad('invalid_number', 'a number');
      const n = Number(s.replaceAll('_', ''));
      if (!Number.isFinite(n)) return bad('invalid_number', 'a finite number');
      if (spec.type === 'integer' && !Number.isInteger(n)) return bad('invalid_integer', 'an integer');
      return checkRange(spec, n, fieldName);
    }
    case 'timestamp': {
      const d = parseTimestamp(s);
      return d ? { ok: true, value: d } : bad('invalid_timestamp', 'a timestamp');
    }
    case 'date': {
      const d = parseTimestamp(s);
      return d
        ? { ok: true, value: d.toISOString().slice(0, 10) }
        : bad('invalid_date', 'a date (YYYY-MM-DD)');
    }
  }
}

function checkRange(spec: FieldSpec, n: number, fieldName: string): CastResult {
  if (spec.min !== undefined && n < spec.min) {
    return spec.min === 0
      ? { ok: false, reason: 'negative_value', message: `${fieldName}: ${n} must not be negative` }
      : { ok: false, reason: 'out_of_range', message: `${fieldName}: ${n} is below ${spec.min}` };
  }
  if (spec.max !== undefined && n > spec.max) {
    return { ok: false, reason: 'out_of_range', message: `${fieldName}: ${n} is above ${spec.max}` };
  }
  return { ok: true, value: n };
}

/** A JSON object, given as an object or as its text; kept as its (compact) text. */
function castJson(raw: unknown, fieldName: string): CastResult {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'invalid_json', message: `${fieldName} is not a JSON object` };
  }
  return { ok: true, value: JSON.stringify(value) };
}
