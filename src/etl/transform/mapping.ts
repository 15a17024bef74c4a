import type { Session } from '../../engine';
import { AppError } from '../../errors';
import { ident, list, param, raw, type SqlNode, sql } from '../../sql';
import type { Job } from '../job/load';
import type { FieldMapping } from '../job/schema';
import type { RowSource } from '../sources';

/** A contract field's mapped source value, and the DuckDB type it arrives with. */
export interface MappedField {
  readonly field: string;
  readonly expr: SqlNode;
  readonly type: string;
}

function problem(job: Job, field: string, message: string): AppError {
  const line = job.lineOf(['mapping', field]);
  return new AppError('SOURCE_INVALID', `${job.file}:${line}: mapping.${field}: ${message}`, {
    file: job.file,
    line,
    field: `mapping.${field}`,
  });
}

function mappingExpr(job: Job, field: string, m: FieldMapping, staged: RowSource): SqlNode {
  if (typeof m === 'string') {
    const column = staged.columns.find((c) => c.name.toLowerCase() === m.toLowerCase());
    if (!column) {
      throw problem(
        job,
        field,
        `column "${m}" is not in the source; its columns are ${staged.columns.map((c) => c.name).join(', ')}`,
      );
    }
    return ident(column.name);
  }
  if ('expr' in m) return sql`(${raw(m.expr)})`;
  return param(m.value);
}

/**
 * Resolves every mapped field to SQL over the staged rows and asks DuckDB for its type
 * (`DESCRIBE`, which reads no data). A bad expression is reported with the job file's line.
 */
export async function resolveMapping(session: Session, job: Job, staged: RowSource): Promise<MappedField[]> {
  const fields = Object.entries(job.definition.mapping).map(([field, m]) => ({
    field,
    expr: mappingExpr(job, field, m, staged),
  }));
  if (fields.length === 0) return [];
  // One DESCRIBE for all (each one sniffs the source again); one by one only to find a culprit.
  try {
    const all = await session.query(
      sql`DESCRIBE SELECT ${list(fields.map((f, i) => sql`${f.expr} AS ${ident(`f${i}`)}`))} FROM ${staged.relation}`,
    );
    return fields.map((f, i) => ({ ...f, type: String(all.rows[i]?.['column_type'] ?? 'VARCHAR') }));
  } catch {
    // fall through to find the field at fault
  }
  for (const f of fields) {
    try {
      await session.query(sql`DESCRIBE SELECT ${f.expr} AS v FROM ${staged.relation}`);
    } catch (e) {
      throw problem(job, f.field, `the expression does not compile: ${(e as Error).message}`);
    }
  }
  throw new Error('the mapping does not compile as a whole, but every field does alone');
}
