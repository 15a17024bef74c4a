import type { Engine, Row } from '../../engine';
import { sql } from '../../sql';

/**
 * The `user_dashboards` table (sql/schema/009_user_dashboards.sql): one row per dashboard built
 * in the browser or imported. Rows are replaced by delete + insert in one transaction, like the
 * other application-state tables, so no primary-key update path is needed.
 */
export interface SavedDashboardRow {
  readonly id: string;
  /** The definition as it was given: what the YAML file would hold, defaults not filled in. */
  readonly definition: Record<string, unknown>;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly updatedBy: string | null;
  readonly updatedAt: string;
}

const stamp = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const iso = (v: unknown) => new Date(`${String(v).replace(' ', 'T')}Z`).toISOString();
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

function asRow(r: Row): SavedDashboardRow {
  return {
    id: String(r['dashboard_id']),
    definition: JSON.parse(String(r['definition'])) as Record<string, unknown>,
    createdBy: text(r['created_by']),
    createdAt: iso(r['created_at']),
    updatedBy: text(r['updated_by']),
    updatedAt: iso(r['updated_at']),
  };
}

export async function listSavedDashboards(engine: Engine): Promise<SavedDashboardRow[]> {
  const r = await engine.query('SELECT * FROM user_dashboards ORDER BY dashboard_id');
  return r.rows.map(asRow);
}

export async function getSavedDashboard(engine: Engine, id: string): Promise<SavedDashboardRow | undefined> {
  const r = await engine.query(sql`SELECT * FROM user_dashboards WHERE dashboard_id = ${id}`);
  return r.rows[0] ? asRow(r.rows[0]) : undefined;
}

/** Inserts or replaces a dashboard; a replacement keeps who made it and when. */
export async function putSavedDashboard(
  engine: Engine,
  id: string,
  definition: Record<string, unknown>,
  user: string | null,
  now: Date,
): Promise<SavedDashboardRow> {
  await engine.transaction(async (tx) => {
    const before = await tx.query(
      sql`SELECT created_by, created_at FROM user_dashboards WHERE dashboard_id = ${id}`,
    );
    const made = before.rows[0];
    await tx.exec(sql`DELETE FROM user_dashboards WHERE dashboard_id = ${id}`);
    await tx.exec(sql`
      INSERT INTO user_dashboards VALUES (
        ${id}, ${JSON.stringify(definition)}, ${made ? text(made['created_by']) : user},
        CAST(${made ? String(made['created_at']) : stamp(now)} AS TIMESTAMP), ${user}, CAST(${stamp(now)} AS TIMESTAMP))`);
  });
  return (await getSavedDashboard(engine, id))!;
}

export async function deleteSavedDashboard(engine: Engine, id: string): Promise<void> {
  await engine.exec(sql`DELETE FROM user_dashboards WHERE dashboard_id = ${id}`);
}
