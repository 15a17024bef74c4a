import { ident, list, raw, type SqlNode, sql } from '../../sql';
import type { LandingContract, RejectReason } from '../contracts';
import type { RowSource } from '../sources';
import { cutRawNode } from '../sources/staged-source';
import { type CastOptions, castField, storageType } from './cast-sql';
import type { MappedField } from './mapping';

export const TYPED = '__typed';

/** One numbered way a row can be rejected; `__err` in the typed table holds the number. */
export interface CheckEntry {
  readonly index: number;
  readonly field: string;
  readonly reason: RejectReason;
  readonly message: string;
}

export interface TypedStagePlan {
  readonly statement: SqlNode;
  readonly checks: readonly CheckEntry[];
  /** Whether `line_no` must still be numbered in source order (orders without a mapped line_no). */
  readonly deriveLineNo: boolean;
}

const t = (f: string) => ident(`__t_${f}`);
const v = (f: string) => ident(`__v_${f}`);
const rawCol = (i: number) => ident(`__raw_${i}`);

/**
 * The one pass that reads the source and turns its records into typed contract rows:
 * map (source columns or expressions) → normalise text → cast → check, straight into the temp
 * table `__typed` in file order. `__err` names the first check a row fails (NULL = valid),
 * `__bad` the offending text, `__raw` the source record as JSON (for failed rows only), and
 * `__skip` whether an incremental watermark already covers the row.
 */
export function typedStage(
  contract: LandingContract,
  source: RowSource,
  mapped: readonly MappedField[],
  options: CastOptions,
  watermark?: { field: string; value: SqlNode },
): TypedStagePlan {
  const byField = new Map(mapped.map((m) => [m.field, m]));
  const fields = Object.keys(contract.fields);
  const line = source.lineColumn ? [sql`__line`] : [];
  const rawColumns = source.columns.map((c, i) => ({ name: c.name, col: rawCol(i) }));
  const passRaw = rawColumns.map((r) => r.col);
  const mapSelect: SqlNode[] = [...line, ...rawColumns.map((r) => sql`${ident(r.name)} AS ${r.col}`)];
  const textSelect: SqlNode[] = [...line, ...passRaw];
  const valueSelect: SqlNode[] = [...line, ...passRaw];
  const finalSelect: SqlNode[] = [...line];
  const checks: CheckEntry[] = [];
  const conditions: SqlNode[] = [];
  const addCheck = (field: string, reason: RejectReason, message: string, when: SqlNode) => {
    checks.push({ index: checks.length + 1, field, reason, message });
    conditions.push(sql`WHEN ${when} THEN ${raw(String(checks.length))}`);
  };
  const deriveLineNo = contract.name === 'orders' && !byField.has('line_no');
  const present = (f: string) => byField.has(f) || contract.defaults?.[f] !== undefined;
  // Checked before any other: a mapped text value too long to keep (a runaway field in a text
  // file) rejects its row, naming the field; the value is not repeated in the message.
  const tooLong = new Set<number>();
  const firstConditions: SqlNode[] = [];
  const addTooLong = (field: string) => {
    const limit = source.maxFieldBytes;
    if (limit === undefined) return;
    checks.push({
      index: checks.length + 1,
      field,
      reason: 'field_too_long',
      message: `${field} is longer than ${limit.toLocaleString('en-US')} bytes, the most a value may hold`,
    });
    tooLong.add(checks.length);
    firstConditions.push(
      sql`WHEN strlen(${t(field)}) > ${raw(String(limit))} THEN ${raw(String(checks.length))}`,
    );
  };

  for (const field of fields) {
    const spec = contract.fields[field]!;
    const m = byField.get(field);
    const fallback = contract.defaults?.[field];
    const storage = raw(storageType(spec));
    if (!present(field)) {
      // Unmapped and without a default: a typed NULL, nothing to check.
      finalSelect.push(sql`CAST(NULL AS ${storage}) AS ${ident(field)}`);
      continue;
    }
    const input = m?.expr ?? sql`CAST(NULL AS VARCHAR)`;
    const cast = castField(field, spec, m?.type ?? 'VARCHAR', options, fallback);
    mapSelect.push(sql`${input} AS ${ident(field)}`);
    textSelect.push(sql`${cast.text(ident(field))} AS ${ident(field)}`);
    valueSelect.push(sql`${ident(field)} AS ${t(field)}`, sql`${cast.value(ident(field))} AS ${v(field)}`);
    finalSelect.push(sql`TRY_CAST(${v(field)} AS ${storage}) AS ${ident(field)}`);
    if (m === undefined || m.type === 'VARCHAR') addTooLong(field);
    for (const c of cast.checks) addCheck(field, c.reason, c.message, c.when(t(field), v(field)));
    if (spec.type === 'integer') {
      addCheck(
        field,
        'out_of_range',
        `${field} is too large`,
        sql`${v(field)} IS NOT NULL AND TRY_CAST(${v(field)} AS BIGINT) IS NULL`,
      );
    }
  }
  // A rule over a field the job does not map sees that field as NULL.
  for (const rule of contract.rules ?? []) {
    const typedRule = rule.sql.replace(/"([a-z_]+)"/g, (_, f: string) =>
      present(f) ? `"__v_${f}"` : 'NULL',
    );
    addCheck(rule.field, rule.reason, rule.message, raw(typedRule));
  }
  const allConditions = [...firstConditions, ...conditions];
  const err = allConditions.length > 0 ? sql`CASE ${list(allConditions, ' ')} END` : sql`NULL`;
  finalSelect.push(sql`CAST(${err} AS SMALLINT) AS __err`);
  const badCases = checks.map((c) => {
    const bad = present(c.field) && !tooLong.has(c.index) ? sql`CAST(${t(c.field)} AS VARCHAR)` : sql`NULL`;
    return sql`WHEN ${raw(String(c.index))} THEN ${bad}`;
  });
  finalSelect.push(
    badCases.length > 0
      ? sql`CAST(CASE __err ${list(badCases, ' ')} END AS VARCHAR) AS __bad`
      : sql`CAST(NULL AS VARCHAR) AS __bad`,
  );
  // The raw record keeps at most RAW_VALUE_CHARS characters of a text value.
  const rawValue = (r: { col: SqlNode }, i: number) =>
    source.columns[i]?.type === 'VARCHAR' ? cutRawNode(r.col) : r.col;
  const record =
    rawColumns.length > 0
      ? sql`to_json(struct_pack(${list(rawColumns.map((r, i) => sql`${ident(r.name)} := ${rawValue(r, i)}`))}))`
      : sql`to_json({})`;
  finalSelect.push(sql`CASE WHEN __err IS NOT NULL THEN ${record} END AS __raw`);
  finalSelect.push(
    watermark
      ? sql`coalesce(${v(watermark.field)} <= ${watermark.value}, false) AS __skip`
      : sql`false AS __skip`,
  );
  const statement = sql`CREATE OR REPLACE TEMP TABLE ${raw(TYPED)} AS
SELECT ${list(finalSelect)}
FROM (SELECT ${list(valueSelect)}
      FROM (SELECT ${list(textSelect)}
            FROM (SELECT ${list(mapSelect)} FROM ${source.relation})))`;
  return { statement, checks, deriveLineNo };
}
