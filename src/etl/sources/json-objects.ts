import type { Session } from '../../engine';
import { ident, list, raw, sql } from '../../sql';

/**
 * Expands the JSON objects of `__lines` (line_no, line, ok) into the table `target`: one column per
 * key that any object has — plus each mapped key that none has, as NULLs, since JSON objects leave
 * out what they do not know — every value as text (a nested value as its JSON), and `__line`.
 * Rows whose `ok` is false are left out: the caller records them as malformed.
 */
export async function expandJsonObjects(
  session: Session,
  mapped: readonly string[],
  target: string,
): Promise<void> {
  const keys = await session.query(
    'SELECT DISTINCT unnest(json_keys(line)) AS k FROM __lines WHERE ok ORDER BY k',
  );
  const seen = keys.rows.map((r) => String(r['k']));
  const lower = new Set(seen.map((k) => k.toLowerCase()));
  const names = [...seen, ...mapped.filter((m) => !lower.has(m.toLowerCase()))];
  if (names.length === 0) {
    await session.exec(
      `CREATE OR REPLACE TEMP TABLE ${target} AS SELECT line_no AS __line FROM __lines WHERE ok`,
    );
    return;
  }
  const paths = names.map((n) => `$."${n.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
  const columns = names.map((n, i) => sql`__v[${i + 1}] AS ${ident(n)}`);
  await session.exec(sql`
    CREATE OR REPLACE TEMP TABLE ${raw(target)} AS
    SELECT line_no AS __line, ${list(columns)}
    FROM (SELECT line_no, json_extract_string(line, ${paths}) AS __v FROM __lines WHERE ok)`);
}
