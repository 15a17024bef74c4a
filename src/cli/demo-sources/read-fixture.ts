import type { Engine } from '../../engine';
import { getContract, type Job } from '../../etl';
import { sourcePath } from '../../etl/sources';
import { ident, list, raw, type SqlNode, sql } from '../../sql';
import { COLUMN_TYPES, type ColumnKind } from './tables';

export interface FixtureColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

/** The text of a source value as the loader normalises it: trimmed, blank = NULL. */
const text = (c: SqlNode) => sql`NULLIF(trim(CAST(${c} AS VARCHAR)), '')`;

/** The typed value, cast the way the loader casts text (so a value the loader takes survives). */
function typed(c: SqlNode, kind: ColumnKind): SqlNode {
  const t = text(c);
  switch (kind) {
    case 'integer':
      return sql`CASE WHEN TRY_CAST(${t} AS DOUBLE) = trunc(TRY_CAST(${t} AS DOUBLE)) THEN CAST(TRY_CAST(${t} AS DOUBLE) AS BIGINT) END`;
    case 'decimal':
      return sql`TRY_CAST(${t} AS DECIMAL(18, 4))`;
    case 'timestamp':
      return sql`CASE WHEN length(${t}) = 10 OR (length(${t}) = 19 AND ${t}[17] = ':')
        THEN TRY_CAST(${t} AS TIMESTAMP) ELSE CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP) END`;
    case 'date':
      return sql`TRY_CAST(${t} AS DATE)`;
    case 'text':
      return c;
  }
}

export function columnsOf(job: Job): FixtureColumn[] {
  const contract = getContract(job.definition.target)!;
  return Object.entries(job.definition.mapping).map(([field, m]) => {
    const type = contract.fields[field]!.type;
    const kind: ColumnKind = type === 'enum' || type === 'string' || type === 'json' ? 'text' : type;
    return { name: typeof m === 'string' ? m : field, kind };
  });
}

function relationOf(job: Job, root: string, names: readonly string[]): SqlNode {
  const path = sourcePath(job, root);
  switch (job.definition.source.type) {
    case 'csv':
      return sql`(SELECT * FROM read_csv(${path}, all_varchar = true, header = true))`;
    case 'parquet':
      return sql`(SELECT * FROM read_parquet(${path}))`;
    default: {
      const paths = names.map((n) => `$."${n}"`);
      return sql`(SELECT ${list(names.map((n, i) => sql`__v[${i + 1}] AS ${ident(n)}`))}
        FROM (SELECT json_extract_string(line, ${paths}) AS __v
              FROM read_csv(${path}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '',
                            escape = '', auto_detect = false)))`;
    }
  }
}

/**
 * Stages a demo file in the engine as `__seed` (`__n` = order in the file, typed columns) and
 * returns how many rows it kept. A row with a value its typed column cannot hold (a bad
 * timestamp or number: dirt the loader would reject) is left out, as an operational database
 * would never have accepted it.
 */
export async function stageFixture(
  engine: Engine,
  job: Job,
  root: string,
  columns: readonly FixtureColumn[],
): Promise<{ kept: number; dropped: number }> {
  const names = columns.map((c) => c.name);
  const rel = relationOf(job, root, names);
  const representable = columns
    .filter((c) => c.kind !== 'text')
    .map((c) => sql`(${text(ident(c.name))} IS NULL OR ${typed(ident(c.name), c.kind)} IS NOT NULL)`);
  const finite = columns
    .filter((c) => c.kind === 'timestamp' || c.kind === 'date')
    .map((c) => sql`coalesce(isfinite(${typed(ident(c.name), c.kind)}), true)`);
  const ok = [...representable, ...finite];
  await engine.exec(sql`
    CREATE OR REPLACE TABLE __seed_all AS
    SELECT row_number() OVER () AS __n,
           ${list(columns.map((c) => sql`CAST(${typed(ident(c.name), c.kind)} AS ${raw(COLUMN_TYPES[c.kind].duck)}) AS ${ident(c.name)}`))},
           ${ok.length ? list(ok, ' AND ') : sql`true`} AS __ok
    FROM ${rel}`);
  const counts = await engine.query(
    'SELECT count(*) FILTER (WHERE __ok) AS kept, count(*) FILTER (WHERE NOT __ok) AS dropped FROM __seed_all',
  );
  await engine.exec(
    'CREATE OR REPLACE TABLE __seed AS SELECT * EXCLUDE (__ok) FROM __seed_all WHERE __ok ORDER BY __n',
  );
  await engine.exec('DROP TABLE __seed_all');
  return { kept: Number(counts.rows[0]?.['kept'] ?? 0), dropped: Number(counts.rows[0]?.['dropped'] ?? 0) };
}

/** Rows `from < __n <= to` of the staged fixture, every value as text (NULL stays null). */
export async function fixtureBatch(
  engine: Engine,
  columns: readonly FixtureColumn[],
  offset: number,
  size: number,
): Promise<(string | null)[][]> {
  const r = await engine.query(sql`
    SELECT ${list(columns.map((c, i) => sql`CAST(${ident(c.name)} AS VARCHAR) AS ${ident(`c${i}`)}`))}
    FROM __seed ORDER BY __n LIMIT ${size} OFFSET ${offset}`);
  return r.rows.map((row) =>
    columns.map((_, i) => {
      const v = row[`c${i}`];
      return v === null || v === undefined ? null : String(v);
    }),
  );
}
