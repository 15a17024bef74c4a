import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { castValue, type FieldSpec } from '../../src/etl';
import { castField } from '../../src/etl/transform/cast-sql';
import { ident, list, raw, sql } from '../../src/sql';
import { memoryWarehouse } from '../helpers/warehouse';

/** Values of each field type, good and bad, that both casts must judge alike. */
const CASES: { spec: FieldSpec; values: (string | null)[] }[] = [
  {
    spec: { type: 'integer', min: 0, required: true },
    values: ['1', ' 42 ', '-3', '1.5', '6.0', 'abc', '', null, '1e3', '+7', '9999999999', '12x', '1_000'],
  },
  {
    spec: { type: 'decimal', min: 0, max: 1 },
    values: ['0', '0.25', '1', '1.5', '-0.1', 'x', '', '.5', '5.', 'NaN', 'Infinity', '1e-2'],
  },
  {
    spec: { type: 'timestamp', required: true },
    values: [
      '2024-01-05',
      '2024-01-05 10:00:00',
      '2024-01-05T10:00:00Z',
      '2024-01-05T10:00:00+02:00',
      '2024-01-05 10:00',
      '2024-1-5 10:00:00',
      '2024-13-45 10:00',
      '2023-02-29',
      '2024-02-29 23:59:59',
      '31/02/2025',
      'yesterday',
      '',
    ],
  },
  { spec: { type: 'date' }, values: ['2024-01-05', '2024-02-30', 'x', '2024-1-5', ''] },
  { spec: { type: 'enum', values: ['b2b', 'b2c'] }, values: ['b2b', ' B2C ', 'B2B', 'other', '', null] },
  { spec: { type: 'string', fold: true }, values: ['  Web ', 'EMAIL', '', null] },
  { spec: { type: 'string', required: true }, values: ['  a b ', '', null] },
];

function normalise(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().slice(0, 19);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/.test(v)) return v.slice(0, 19);
  if (typeof v === 'number') return Math.round(v * 10_000) / 10_000;
  return v;
}

describe('the SQL cast and the zod/JS cast of a contract field agree', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryWarehouse();
  });
  afterAll(() => engine.close());

  for (const { spec, values } of CASES) {
    it(`${spec.type}${spec.fold ? ' (folded)' : ''}${spec.required ? ' (required)' : ''}`, async () => {
      const cast = castField('f', spec, 'VARCHAR', {});
      const t = ident('t');
      const v = ident('v');
      const whens = cast.checks.map((c, i) => sql`WHEN ${c.when(t, v)} THEN ${raw(String(i))}`);
      const reason = whens.length > 0 ? sql`CASE ${list(whens, ' ')} END` : sql`NULL`;
      const input = sql`(VALUES ${list(values.map((x, i) => sql`(${i}, CAST(${x} AS VARCHAR))`))}) AS input(i, x)`;
      const result = await engine.query(sql`
        SELECT i, ${v}::VARCHAR AS value, ${reason} AS check_index FROM (
          SELECT i, t, ${cast.value(t)} AS v FROM (SELECT i, ${cast.text(ident('x'))} AS t FROM ${input}))
        ORDER BY i`);
      for (const row of result.rows) {
        const rawValue = values[Number(row['i'])];
        const js = castValue(spec, rawValue, 'f');
        const sqlReason =
          row['check_index'] === null ? null : cast.checks[Number(row['check_index'])]!.reason;
        expect({ raw: rawValue, reason: sqlReason }).toEqual({
          raw: rawValue,
          reason: js.ok ? null : js.reason,
        });
        if (js.ok && js.value !== null) {
          const sqlValue =
            spec.type === 'integer' || spec.type === 'decimal' ? Number(row['value']) : row['value'];
          const sqlNorm =
            typeof sqlValue === 'string' && spec.type === 'timestamp'
              ? sqlValue.replace(' ', 'T').slice(0, 19)
              : sqlValue;
          expect({ raw: rawValue, value: normalise(sqlNorm) }).toEqual({
            raw: rawValue,
            value: normalise(js.value),
          });
        }
      }
    });
  }
});
