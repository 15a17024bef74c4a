import { AppError } from '../../errors';
import { sql } from '../../sql';
import { formatTable } from '../../util/text-table';
import { withWarehouse } from '../context';

export interface AuditOptions {
  user?: string;
  limit: string;
  db?: string;
  json?: boolean;
}

export async function audit(o: AuditOptions): Promise<void> {
  const limit = Number.parseInt(o.limit, 10);
  if (!Number.isInteger(limit) || limit < 1)
    throw new AppError('VALIDATION_FAILED', `--limit must be a positive integer, got ${o.limit}`);
  const rows = await withWarehouse(
    o.db,
    async (engine) =>
      (
        await engine.query(
          // The audit log is application state: always the DuckDB file, so strftime is DuckDB's.
          sql`SELECT strftime(logged_at, '%Y-%m-%d %H:%M:%S') AS "at", user_name AS "user", role, method, route, status,
                     rows, round(duration_ms, 1) AS ms, query
              FROM rapport_audit ${o.user === undefined ? sql`` : sql`WHERE user_name = ${o.user}`}
              ORDER BY logged_at DESC LIMIT ${limit}`,
        )
      ).rows,
  );
  process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatTable(rows)}\n`);
}
