import type { Row, Session } from '../../engine';
import { AppError } from '../../errors';
import { cast, fn, ident, param, raw, type SqlNode, sql } from '../../sql';
import { type ReportContext, stateEngine } from '../common/context';
import { parseParams } from '../common/params';
import { memberRows } from '../customer360/cube-sql';
import {
  type SaveSegment,
  SaveSegmentSchema,
  type SegmentDefinition,
  SegmentDefinitionSchema,
} from './definition';
import { HISTORY_TABLES, recordSnapshot } from './history';
import { membersSql } from './members';

export interface SavedSegment {
  segment_id: string;
  name: string;
  description: string | null;
  definition: SegmentDefinition;
  created_at: string;
  refreshed_at: string;
  member_count: number;
}

/** A stable id from a name: `Champions Q3 2026` → `champions-q3-2026`. */
export function segmentId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (!slug)
    throw new AppError('VALIDATION_FAILED', `the name "${name}" has no letters or digits to make an id of`);
  return slug.slice(0, 80);
}

function asSegment(row: Row): SavedSegment {
  return {
    segment_id: String(row['segment_id']),
    name: String(row['name']),
    description: row['description'] === null ? null : String(row['description']),
    definition: SegmentDefinitionSchema.parse(JSON.parse(String(row['definition']))),
    created_at: String(row['created_at']),
    refreshed_at: String(row['refreshed_at']),
    member_count: Number(row['member_count']),
  };
}

export async function listSegments(ctx: ReportContext): Promise<SavedSegment[]> {
  const r = await stateEngine(ctx).query('SELECT * FROM saved_segments ORDER BY name');
  return r.rows.map(asSegment);
}

/** A saved segment by id or by name; NOT_FOUND otherwise. */
export async function getSegment(ctx: ReportContext, idOrName: string): Promise<SavedSegment> {
  const r = await stateEngine(ctx).query(
    sql`SELECT * FROM saved_segments WHERE segment_id = ${idOrName} OR name = ${idOrName}`,
  );
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `no saved segment "${idOrName}"`, { segment: idOrName });
  return asSegment(r.rows[0]);
}

/** Why a snapshot was taken, as the history records it. */
export type SnapshotCause = 'save' | 'refresh' | 'schedule';

/** A definition's distinct member ids as text, from the members' SQL. */
const memberIds = (members: SqlNode) =>
  sql`SELECT DISTINCT ${cast(raw('m.customer_id'), 'text')} AS customer_id
      FROM (${members}) AS m WHERE m.customer_id IS NOT NULL`;

/**
 * The members to stage, as the insert reads them. On one engine the members' SQL feeds the
 * insert; when the warehouse is another engine (ClickHouse) the ids travel as data, read from
 * the warehouse before the state's transaction and bound as one list, never joined across engines.
 */
async function membersToStage(ctx: ReportContext, members: SqlNode): Promise<SqlNode | readonly string[]> {
  if (stateEngine(ctx) === ctx.engine) return sql`SELECT customer_id FROM (${memberIds(members)})`;
  return (await ctx.engine.query(memberIds(members))).rows.map((r) => String(r['customer_id']));
}

async function stageMembers(
  tx: Session,
  staged: string,
  members: SqlNode | readonly string[],
): Promise<void> {
  if (!Array.isArray(members)) {
    await tx.exec(
      sql`INSERT INTO saved_segment_members SELECT ${staged}, customer_id FROM (${members as SqlNode})`,
    );
  } else if (members.length > 0) {
    const ids = fn.unnest(cast(param([...members]), 'text[]'));
    await tx.exec(sql`INSERT INTO saved_segment_members SELECT ${staged}, ${ids}`);
  }
}

/**
 * Computes the members of a definition and stores them with the segment, in one transaction,
 * with a history row (count, added, removed against the previous snapshot). The new members are
 * staged under `<id>#next` (ids are slugs, which never hold `#`) so the two sets can be compared
 * in SQL before the old one goes.
 */
async function store(
  ctx: ReportContext,
  id: string,
  input: SaveSegment,
  cause: SnapshotCause,
  createdAt?: string,
): Promise<SavedSegment> {
  const members = await membersToStage(ctx, await membersSql(ctx, input.definition));
  const now = ctx.now().toISOString().replace('T', ' ').replace('Z', '');
  const staged = `${id}#next`;
  await stateEngine(ctx).transaction(async (tx) => {
    await stageMembers(tx, staged, members);
    await tx.exec(recordSnapshot(id, staged, now, cause));
    await tx.exec(sql`DELETE FROM saved_segment_members WHERE segment_id = ${id}`);
    await tx.exec(sql`DELETE FROM saved_segments WHERE segment_id = ${id}`);
    await tx.exec(sql`UPDATE saved_segment_members SET segment_id = ${id} WHERE segment_id = ${staged}`);
    await tx.exec(sql`
      INSERT INTO saved_segments
      SELECT ${id}, ${input.name}, ${input.description ?? null}, ${JSON.stringify(input.definition)},
             CAST(${createdAt ?? now} AS TIMESTAMP), CAST(${now} AS TIMESTAMP), count(*)
      FROM saved_segment_members WHERE segment_id = ${id}`);
  });
  return getSegment(ctx, id);
}

export async function saveSegment(ctx: ReportContext, input: unknown): Promise<SavedSegment> {
  const parsed = parseParams(SaveSegmentSchema, input, 'segment');
  const id = segmentId(parsed.name);
  const existing = await stateEngine(ctx).query(
    sql`SELECT created_at FROM saved_segments WHERE segment_id = ${id}`,
  );
  if (existing.rows[0] && !parsed.replace) {
    throw new AppError('CONFLICT', `a saved segment "${id}" exists; pass replace: true to overwrite it`, {
      segment: id,
    });
  }
  if (existing.rows[0]) assertMayOverwrite(ctx, id);
  return store(ctx, id, parsed, 'save');
}

/**
 * A user whose rows are restricted by access rules would store a snapshot of only the rows they
 * see: they may save new segments, not overwrite, refresh or delete existing ones others rely on.
 */
export function assertMayOverwrite(ctx: ReportContext, id: string): void {
  if ((ctx.model.access?.rows.size ?? 0) > 0) {
    throw new AppError(
      'FORBIDDEN',
      `segment "${id}": a user restricted to some rows cannot overwrite, refresh or delete a saved segment; its snapshot holds rows they do not see`,
      { segment: id },
    );
  }
}

/** Recomputes a saved segment's members from its definition (a new snapshot). */
export async function refreshSegment(
  ctx: ReportContext,
  idOrName: string,
  cause: SnapshotCause = 'refresh',
): Promise<SavedSegment> {
  const s = await getSegment(ctx, idOrName);
  assertMayOverwrite(ctx, s.segment_id);
  return store(
    ctx,
    s.segment_id,
    { name: s.name, description: s.description ?? undefined, definition: s.definition, replace: true },
    cause,
    s.created_at,
  );
}

export async function deleteSegment(ctx: ReportContext, idOrName: string): Promise<void> {
  const s = await getSegment(ctx, idOrName);
  assertMayOverwrite(ctx, s.segment_id);
  await stateEngine(ctx).transaction(async (tx) => {
    await tx.exec(sql`DELETE FROM saved_segment_members WHERE segment_id = ${s.segment_id}`);
    await tx.exec(sql`DELETE FROM saved_segments WHERE segment_id = ${s.segment_id}`);
    // Its history, schedule and push log go with it: a new segment of the same name starts afresh.
    for (const table of HISTORY_TABLES) {
      await tx.exec(sql`DELETE FROM ${ident(table)} WHERE segment_id = ${s.segment_id}`);
    }
  });
}

export const MEMBER_COLUMNS = [
  'customer_id',
  'name',
  'email',
  'phone',
  'type',
  'industry',
  'country',
  'region',
  'city',
] as const;

/**
 * Members with their contact fields from the customer's current version, for export. The
 * customers come through the model (memberRows), so a user restricted by access rules gets only
 * the members they may see, and NULL for the fields they may not.
 */
export async function membersExport(ctx: ReportContext, idOrName: string): Promise<SqlNode> {
  const s = await getSegment(ctx, idOrName);
  const customers = memberRows(
    ctx,
    'customers',
    MEMBER_COLUMNS.map((c) => [c, `customers.${c}`] as const),
    [],
    ['customers.current'],
  );
  // Unrestricted, a member without a customer row still shows (LEFT JOIN); restricted, only visible ones.
  const join = ctx.model.access ? raw('JOIN') : raw('LEFT JOIN');
  return sql`
    SELECT m.customer_id, c.name, c.email, c.phone, c.type, c.industry, c.country, c.region, c.city
    FROM saved_segment_members m ${join} (${customers}) c ON c.customer_id = m.customer_id
    WHERE m.segment_id = ${s.segment_id} ORDER BY m.customer_id`;
}
