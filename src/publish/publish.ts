import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../engine';
import { CONTRACTS } from '../etl';
import type { Model } from '../model/types';
import { clickhouseDialect, ident, raw, render, sql } from '../sql';
import { type MappedColumn, mapColumn } from './clickhouse-types';
import type { Cluster } from './cluster';
import {
  createDistributed,
  createMergeTree,
  dropTable,
  type Layout,
  layoutOf,
  renameTable,
  swapIn,
} from './ddl';
import { duckdbColumns } from './duckdb-columns';
import { exportRows } from './export';
import { clickhouseTotals, compare, duckdbTotals, type Reconciliation } from './reconcile';
import { fingerprint, type PublishedState, readState, recordTotals, writeState } from './state';
import { type PublishTable, publishedTables } from './tables';
import type { ClickHouseTarget } from './target';

export interface PublishOptions {
  /** The embedded DuckDB warehouse. */
  readonly from: Engine;
  readonly to: ClickHouseTarget;
  readonly model: Model;
  /** Local tables on every shard plus Distributed tables (see docs/publish.md). */
  readonly cluster?: Cluster;
  /** The time written into the publish state (ISO). */
  readonly now?: () => string;
  readonly onProgress?: (event: PublishProgress) => void;
}

export type PublishProgress =
  | { readonly kind: 'table'; readonly table: string; readonly index: number; readonly total: number }
  /** Before the (possibly long) load: what is about to be copied, in how many files. */
  | {
      readonly kind: 'copying';
      readonly table: string;
      readonly mode: 'whole' | 'increment';
      readonly reason?: string;
      readonly rows: number;
      readonly files: number;
    }
  | { readonly kind: 'published'; readonly result: TableResult }
  | { readonly kind: 'reconciling' };

export interface TableResult {
  readonly table: string;
  readonly kind: 'fact' | 'dimension';
  /** whole: copied from scratch into a new table swapped in; increment: rows of later ETL runs appended. */
  readonly mode: 'whole' | 'increment' | 'unchanged';
  /** Why the table was copied whole. */
  readonly reason?: string;
  readonly copied: number;
  /** Rows the table holds after the publish. */
  readonly rows: number;
  readonly seconds: number;
}

export interface PublishResult {
  readonly tables: readonly TableResult[];
  readonly reconciliation: readonly Reconciliation[];
  /** Every table's count and sums agree. */
  readonly ok: boolean;
  readonly copied: number;
  readonly seconds: number;
}

/**
 * Copies the star schema from DuckDB into ClickHouse: the first time whole, then only the rows
 * of ETL runs after the last publish, unless rows published before have changed since (then
 * that table whole again); afterwards every table's count and column sums are compared on both
 * sides. Application state stays in DuckDB.
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const started = performance.now();
  const { from, to, cluster } = options;
  const key = targetKey(to, cluster);
  const prior = await readState(from, key);
  const tables = publishedTables(options.model);
  const results: TableResult[] = [];
  const published: { table: PublishTable; columns: MappedColumn[] }[] = [];
  const work = mkdtempSync(join(tmpdir(), 'rapport-publish-'));
  try {
    for (const [i, table] of tables.entries()) {
      options.onProgress?.({ kind: 'table', table: table.name, index: i, total: tables.length });
      const columns = (await duckdbColumns(from, table.name)).map((c) => mapColumn(table.name, c, to.caps));
      if (columns.length === 0) throw new Error(`the warehouse has no table ${table.name}`);
      const ctx: TableContext = { ...options, key, table, columns, work: join(work, table.name) };
      const result = await publishTable(ctx, prior.get(table.name));
      results.push(result);
      published.push({ table, columns });
      options.onProgress?.({ kind: 'published', result });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  options.onProgress?.({ kind: 'reconciling' });
  const reconciliation: Reconciliation[] = [];
  for (const { table, columns } of published) {
    const duck = await duckdbTotals(from, table.name, columns);
    for (const { target, where } of readersOf(table, to, cluster)) {
      reconciliation.push(
        compare(table.name, where, columns, duck, await clickhouseTotals(target, table.name, columns)),
      );
    }
    await recordTotals(from, key, table.name, duck);
  }
  return {
    tables: results,
    reconciliation,
    ok: reconciliation.every((r) => r.mismatches.length === 0),
    copied: results.reduce((n, r) => n + r.copied, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The publish state's key: the same server published to with and without a cluster is two targets. */
function targetKey(to: ClickHouseTarget, cluster: Cluster | undefined): string {
  return cluster ? `${to.label} cluster ${cluster.name}` : to.label;
}

/** Where a table is read back whole: a fact through its Distributed table, a dimension on every shard. */
function readersOf(
  table: PublishTable,
  to: ClickHouseTarget,
  cluster: Cluster | undefined,
): { target: ClickHouseTarget; where: string }[] {
  if (!cluster || table.kind === 'fact') return [{ target: to, where: 'all' }];
  return cluster.shards.map((target, i) => ({ target, where: `shard ${i + 1}` }));
}

interface TableContext extends PublishOptions {
  readonly key: string;
  readonly table: PublishTable;
  readonly columns: readonly MappedColumn[];
  readonly work: string;
}

// Run ids are integers read from the warehouse itself; DuckDB binds no parameters inside COPY.
const runIdAtMost = (n: number) => raw(`run_id <= ${integer(n)}`);
const runIdBetween = (after: number, upTo: number) =>
  raw(`run_id > ${integer(after)} AND run_id <= ${integer(upTo)}`);
function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`run id ${n} is not an integer`);
  return String(n);
}

async function publishTable(ctx: TableContext, prior: PublishedState | undefined): Promise<TableResult> {
  const started = performance.now();
  const { from, table, columns } = ctx;
  const contract = CONTRACTS.find((c) => c.table === table.name);
  const layout = layoutOf(table, columns, contract?.naturalKey ?? []);
  const definition = definitionOf(columns, layout, ctx.cluster);
  const hasRunId = columns.some((c) => c.name === 'run_id');
  const stale = await staleReason(ctx, prior, definition);

  // One DuckDB transaction: the fingerprints and the exported rows are of one snapshot.
  const plan = await from.transaction(async (tx) => {
    const top = hasRunId
      ? Number(
          (await tx.query(sql`SELECT coalesce(max(run_id), 0) AS m FROM ${ident(table.name)}`)).rows[0]?.[
            'm'
          ],
        )
      : 0;
    const upTo = hasRunId ? runIdAtMost(top) : undefined;
    const now = await fingerprint(tx, table.name, upTo);
    let reason = stale;
    if (reason === undefined && prior) {
      const before = hasRunId ? await fingerprint(tx, table.name, runIdAtMost(prior.runId)) : now;
      if (before.rows !== prior.rows || before.fingerprint !== prior.fingerprint)
        reason = 'rows published before changed in the warehouse';
    }
    if (reason === undefined && prior && now.rows === prior.rows && now.fingerprint === prior.fingerprint) {
      return { mode: 'unchanged' as const, top, now, files: [] as string[] };
    }
    const where = reason === undefined && prior ? runIdBetween(prior.runId, top) : upTo;
    const files = await exportRows(tx, table.name, columns, where, ctx.work);
    return {
      mode: reason === undefined ? ('increment' as const) : ('whole' as const),
      reason,
      top,
      now,
      files,
    };
  });

  const copied =
    plan.mode === 'whole'
      ? plan.now.rows
      : plan.mode === 'increment'
        ? plan.now.rows - (prior?.rows ?? 0)
        : 0;
  if (plan.mode !== 'unchanged') {
    ctx.onProgress?.({
      kind: 'copying',
      table: table.name,
      mode: plan.mode,
      ...(plan.reason ? { reason: plan.reason } : {}),
      rows: copied,
      files: plan.files.length,
    });
  }
  if (plan.mode === 'whole') await loadWhole(ctx, layout, plan.files, prior?.columns === definition);
  else if (plan.mode === 'increment') await loadIncrement(ctx, plan.files);
  rmSync(ctx.work, { recursive: true, force: true });

  await writeState(
    from,
    ctx.key,
    {
      table: table.name,
      runId: plan.top,
      rows: plan.now.rows,
      fingerprint: plan.now.fingerprint,
      columns: definition,
      mode: plan.mode,
      copied,
    },
    ctx.now?.() ?? new Date().toISOString(),
  );
  return {
    table: table.name,
    kind: table.kind,
    mode: plan.mode,
    ...(plan.mode === 'whole' && plan.reason ? { reason: plan.reason } : {}),
    copied,
    rows: plan.now.rows,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The ClickHouse definition rows went into: a different one means republishing whole. */
function definitionOf(
  columns: readonly MappedColumn[],
  layout: Layout,
  cluster: Cluster | undefined,
): string {
  const ddl = createMergeTree('db', 't', columns, layout);
  const shard = cluster ? createDistributed('db', 't', 'l', cluster.name, columns, layout) : raw('');
  return `${render(ddl, clickhouseDialect).text}\n${render(shard, clickhouseDialect).text}`.trim();
}

/**
 * Why the table cannot be appended to: no publish yet, another definition, or ClickHouse does
 * not hold exactly the rows the last publish left (a failed or foreign write); undefined when
 * it can.
 */
async function staleReason(
  ctx: TableContext,
  prior: PublishedState | undefined,
  definition: string,
): Promise<string | undefined> {
  if (!prior) return 'first publish';
  if (prior.columns !== definition) return 'the table definition changed';
  for (const { target, where } of readersOf(ctx.table, ctx.to, ctx.cluster)) {
    if (!(await exists(target, ctx.table.name))) return `missing in ClickHouse (${where})`;
    const [row] = await target.rows(
      sql`SELECT toString(count()) AS n FROM ${ident(target.database, ctx.table.name)}`,
    );
    const n = Number(row?.['n']);
    if (n !== prior.rows) return `ClickHouse holds ${n} rows (${where}), the last publish left ${prior.rows}`;
  }
  return undefined;
}

async function exists(target: ClickHouseTarget, name: string): Promise<boolean> {
  const rows = await target.rows(sql`SHOW TABLES FROM ${ident(target.database)}`);
  return rows.some((r) => r['name'] === name);
}

async function insertAll(
  target: ClickHouseTarget,
  table: string,
  columns: readonly MappedColumn[],
  files: string[],
) {
  const typed = columns.map((c) => ({ name: c.name, type: c.clickhouseType }));
  for (const f of files) await target.insertFile(table, typed, f);
}

/**
 * Copies the table into a fresh ClickHouse table and swaps it in with one RENAME, so queries
 * see the old rows or the new ones, never a half-loaded table.
 */
async function loadWhole(
  ctx: TableContext,
  layout: Layout,
  files: string[],
  sameDefinition: boolean,
): Promise<void> {
  const { to, cluster, table, columns } = ctx;
  const db = to.database;
  const name = table.name;
  if (!cluster) {
    await replaceLocal(to, name, columns, layout, () => insertAll(to, `${name}__new`, columns, files));
    return;
  }
  if (table.kind === 'dimension') {
    // A full copy on every shard, each loaded directly: facts join their shard's copy.
    for (const shard of cluster.shards) {
      await replaceLocal(shard, name, columns, layout, () =>
        insertAll(shard, `${name}__new`, columns, files),
      );
    }
    return;
  }
  const local = `${name}_local`;
  for (const shard of cluster.shards) {
    await shard.command(dropTable(db, `${local}__new`));
    await shard.command(createMergeTree(db, `${local}__new`, columns, layout));
    await shard.command(dropTable(db, `${name}__new`));
    await shard.command(
      createDistributed(db, `${name}__new`, `${local}__new`, cluster.name, columns, layout),
    );
  }
  // Through a Distributed table over the new local tables: ClickHouse shards by the sharding key.
  await insertAll(to, `${name}__new`, columns, files);
  for (const shard of cluster.shards) {
    await shard.command(dropTable(db, `${name}__new`));
    await swapOrRename(shard, local, `${local}__new`);
    // The Distributed table names its local table, so it reads the swapped-in rows as it is.
    if (!sameDefinition || !(await exists(shard, name))) {
      await shard.command(dropTable(db, name));
      await shard.command(createDistributed(db, name, local, cluster.name, columns, layout));
    }
  }
}

async function replaceLocal(
  target: ClickHouseTarget,
  name: string,
  columns: readonly MappedColumn[],
  layout: Layout,
  load: () => Promise<void>,
): Promise<void> {
  await target.command(dropTable(target.database, `${name}__new`));
  await target.command(createMergeTree(target.database, `${name}__new`, columns, layout));
  await load();
  await swapOrRename(target, name, `${name}__new`);
}

async function swapOrRename(target: ClickHouseTarget, name: string, fresh: string): Promise<void> {
  const db = target.database;
  if (await exists(target, name)) {
    await target.command(dropTable(db, `${name}__old`));
    await target.command(swapIn(db, name, fresh, `${name}__old`));
    await target.command(dropTable(db, `${name}__old`));
  } else {
    await target.command(renameTable(db, fresh, name));
  }
}

/** Appends rows of later ETL runs: facts through the Distributed table, dimensions to every shard. */
async function loadIncrement(ctx: TableContext, files: string[]): Promise<void> {
  const { to, cluster, table, columns } = ctx;
  if (cluster && table.kind === 'dimension') {
    for (const shard of cluster.shards) await insertAll(shard, table.name, columns, files);
    return;
  }
  await insertAll(to, table.name, columns, files);
}
