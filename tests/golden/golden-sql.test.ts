import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import { memoryWarehouse } from '../helpers/warehouse';
import { checkGolden, compileFixture, filterStrings, fixtureNames, GOLDEN, paramsJson } from './support';

/**
 * Golden SQL: every query in fixtures/queries compiles to exactly the text and params stored in
 * tests/golden/duckdb/<name>.sql and <name>.params.json, and that SQL is valid DuckDB over the
 * warehouse schema (EXPLAIN, then a run on the empty warehouse).
 *
 * A missing golden is written (and fails under CI=true); after a deliberate compiler change,
 * delete the changed goldens, rerun, and review the diff in git.
 */

const model = loadModel(join(import.meta.dirname, '..', '..', 'cubes'));
const names = fixtureNames();
let engine: Engine;

beforeAll(async () => {
  mkdirSync(GOLDEN, { recursive: true });
  engine = await memoryWarehouse();
});
afterAll(async () => {
  await engine?.close();
});

describe('golden SQL (DuckDB)', () => {
  it('has at least 32 queries', () => {
    expect(names.length).toBeGreaterThanOrEqual(32);
  });

  it.each(names)('%s', async (name) => {
    const { input, logical, sql } = compileFixture(model, name);
    const params = paramsJson(sql.params);

    const golden = checkGolden(name, sql.text, params);
    if (golden.status === 'written') {
      console.info(`golden SQL: wrote tests/golden/duckdb/${name}.sql and ${name}.params.json`);
      if (process.env.CI === 'true') {
        expect.fail(`golden for ${name} was missing (written now); commit it with the change`);
      }
    }
    if (golden.status === 'mismatch') {
      const where = `see tests/golden/duckdb/${name}.actual.sql and ${name}.actual.params.json`;
      expect(sql.text, `SQL text differs from ${name}.sql; ${where}`).toBe(golden.expected.text);
      expect(params, `params differ from ${name}.params.json; ${where}`).toBe(golden.expected.params);
    }

    // Values reach DuckDB only as bound parameters.
    if (name.startsWith('hostile-')) {
      const values = filterStrings(input);
      expect(values.length).toBeGreaterThan(0);
      for (const v of values)
        expect(sql.text, `filter value ${JSON.stringify(v)} in the SQL text`).not.toContain(v);
    }

    // Valid over the schema even when it matches its golden.
    await engine.query({ text: `EXPLAIN ${sql.text}`, params: sql.params });

    // An empty warehouse: one row for a grand total (no grouping, or a rollup to ()), else none.
    const grandTotal =
      !logical.ungrouped &&
      !logical.having &&
      (logical.dimensions.length === 0 || logical.rollup.length === logical.dimensions.length);
    const result = await engine.query(sql);
    expect(result.rows.length).toBe(grandTotal ? 1 : 0);
  });
});
