import type { Engine, Session } from '../engine';
import { AppError } from '../errors';
import { ident, param, raw, sql } from '../sql';
import { getContract } from './contracts';
import type { Job } from './job/load';
import { isRemoteSource } from './job/schema';
import { type LoadContext, type MergeCounts, scalar } from './load/context';
import { mergeCustomers } from './load/customer-scd2';
import { dedupeValidRows, VALID } from './load/dedupe';
import { mergeDimension } from './load/dimension-merge';
import { resolveDimensions } from './load/dimensions';
import { mergeFact } from './load/fact-merge';
import { writeRejects } from './load/rejects';
import { applySoftDeletes, setAsideDeletedRows } from './load/soft-delete';
import { dropTempObjects } from './load/temp-objects';
import { nextRunId, type RunRecord, readWatermark, writeRunRecord, writeWatermark } from './run-log';
import { MALFORMED, prepareSource, type RowSource, sourceLabel } from './sources';
import { storageType } from './transform/cast-sql';
import { resolveMapping } from './transform/mapping';
import { defineTypedRows } from './transform/typed-rows';
import { TYPED, typedStage } from './transform/typed-stage';

export const STEPS = [
  'stage',
  'map',
  'validate',
  'reject',
  'dedupe',
  'dimensions',
  'merge',
  'record',
] as const;
export type Step = (typeof STEPS)[number];

/** The side effects a job run gets from its caller, so that tests can pass fakes. */
export interface EtlEffects {
  readonly engine: Engine;
  /** Relative source paths are resolved against this folder (the project root). */
  readonly root: string;
  readonly clock?: () => Date;
  readonly onStep?: (step: Step, index: number, total: number) => void;
  /** Called before each step inside the transaction; a throw aborts and rolls back the job. */
  readonly beforeStep?: (step: Step) => void | Promise<void>;
}

const locks = new WeakMap<Engine, Promise<unknown>>();

/** Jobs on one warehouse run one at a time: DuckDB allows one writer per table at once. */
function serialised<T>(engine: Engine, body: () => Promise<T>): Promise<T> {
  const previous = locks.get(engine) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(body);
  locks.set(engine, run);
  return run;
}

function iso(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Runs one ETL job in one transaction: stage the source, map and cast it, quarantine bad rows,
 * drop duplicates, resolve dimensions, merge, and record the run. Either everything lands or
 * nothing does (a failed run is still recorded, with its error, after the rollback).
 */
export function runJob(job: Job, effects: EtlEffects): Promise<RunRecord> {
  return serialised(effects.engine, () =>
    effects.engine.withSession((session) => runInSession(job, effects, session)),
  );
}

async function runInSession(job: Job, effects: EtlEffects, session: Session): Promise<RunRecord> {
  const clock = effects.clock ?? (() => new Date());
  const started = clock();
  const def = job.definition;
  const contract = getContract(def.target);
  if (!contract) throw new AppError('CONFIG_INVALID', `unknown target ${def.target}`);
  const source = sourceLabel(job, effects.root);
  const runId = await nextRunId(session);
  const record: RunRecord = {
    run_id: runId,
    job: def.name,
    target: def.target,
    source,
    started_at: iso(started),
    finished_at: iso(started),
    duration_ms: 0,
    status: 'succeeded',
    rows_read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    duplicates: 0,
    placeholders: 0,
    watermark: null,
    changed: false,
    error: null,
  };
  const ctx: LoadContext = { session, job, contract, runId, now: iso(started) };
  let stepIndex = 0;
  const step = async (name: Step) => {
    effects.onStep?.(name, stepIndex++, STEPS.length);
    await effects.beforeStep?.(name);
  };
  await dropTempObjects(session);
  let inTransaction = false;
  let rowSource: RowSource | undefined;
  try {
    // Reading, casting and checking only fill temp tables and happen before the transaction:
    // rows inserted inside a DuckDB transaction get provisional rowids, and CSV line numbers
    // are rowids.
    await step('stage');
    const incremental = def.incremental?.key;
    const previousMark = incremental ? await readWatermark(session, def.name, incremental) : undefined;
    rowSource = await prepareSource(session, job, effects.root, previousMark);

    await step('map');
    const mapped = await resolveMapping(session, job, rowSource);
    // A remote source is filtered at the source, overlap included; re-read rows must reach the
    // merge (which finds them unchanged) rather than be skipped here.
    const skipAtWatermark = incremental && previousMark !== undefined && !isRemoteSource(def.source);
    const o = def.source.options;
    const plan = typedStage(
      contract,
      rowSource,
      mapped,
      {
        timestampFormat: o?.timestamp_format,
        dateFormat: o?.date_format,
        decimalSeparator: o?.decimal_separator,
      },
      skipAtWatermark
        ? { field: incremental, value: param(previousMark, storageType(contract.fields[incremental]!)) }
        : undefined,
    );

    await step('validate');
    try {
      await session.exec(plan.statement);
    } catch (e) {
      // A read that fails on the file (a damaged page, a truncated stream) names the file.
      throw (await rowSource.explainReadError?.(e)) ?? e;
    }
    await defineTypedRows(session, rowSource, plan.deriveLineNo);
    const deletedRows = def.soft_delete ? await setAsideDeletedRows(ctx, def.soft_delete) : 0;
    // An extract's staging copy is no longer read: free it before the merge.
    if (isRemoteSource(def.source)) await session.exec('DROP TABLE IF EXISTS __src');
    const counts0 = await session.query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE __skip) AS skipped FROM ${TYPED}`,
    );
    const skipped = Number(counts0.rows[0]?.['skipped'] ?? 0);
    record.rows_read =
      Number(counts0.rows[0]?.['n'] ?? 0) + (await scalar(session, `SELECT count(*) FROM ${MALFORMED}`));
    await session.exec('BEGIN TRANSACTION');
    inTransaction = true;

    await step('reject');
    record.rejected = await writeRejects(ctx, plan.checks, source);

    await step('dedupe');
    record.duplicates = await dedupeValidRows(ctx);

    await step('dimensions');
    record.placeholders = await resolveDimensions(ctx);

    await step('merge');
    const counts: MergeCounts =
      contract.kind === 'fact'
        ? await mergeFact(ctx)
        : contract.kind === 'scd2-dimension'
          ? await mergeCustomers(ctx)
          : await mergeDimension(ctx);
    // A soft-deleted row that removed a fact row counts as updated, one with nothing to remove as unchanged.
    const removed = deletedRows > 0 ? await applySoftDeletes(ctx) : 0;
    record.inserted = counts.inserted;
    record.updated = counts.updated + removed;
    record.unchanged = counts.unchanged + skipped + (deletedRows - removed);

    await step('record');
    if (incremental) {
      const type = storageType(contract.fields[incremental]!);
      const previous = previousMark === undefined ? sql`NULL` : param(previousMark, type);
      // A remote extract caps the mark at its snapshot time: a key from the future (a bad clock,
      // a typo) must not hide every change until that date, nor a transaction still open then
      // the rows it commits later.
      const latest =
        rowSource.watermarkCap === undefined
          ? sql`max(${ident(incremental)})`
          : sql`least(max(${ident(incremental)}), ${param(rowSource.watermarkCap, type)})`;
      const r = await session.query(
        sql`SELECT CAST(greatest(${latest}, ${previous}) AS VARCHAR) AS m FROM ${raw(VALID)}`,
      );
      const mark = r.rows[0]?.['m'];
      const next = typeof mark === 'string' ? mark : previousMark;
      if (next !== undefined) {
        await writeWatermark(session, def.name, incremental, next, runId, ctx.now);
        record.watermark = next;
      }
    }
    const accounted =
      record.inserted + record.updated + record.unchanged + record.rejected + record.duplicates;
    if (accounted !== record.rows_read) {
      throw new Error(
        `row accounting broken: read ${record.rows_read}, accounted ${accounted} (${JSON.stringify(record)})`,
      );
    }
    record.changed = record.inserted + record.updated + record.placeholders > 0;
    const finished = clock();
    record.finished_at = iso(finished);
    record.duration_ms = finished.getTime() - started.getTime();
    await writeRunRecord(session, record);
    await session.exec('COMMIT');
    return record;
  } catch (e) {
    if (inTransaction) await session.exec('ROLLBACK').catch(() => undefined);
    const finished = clock();
    const failed: RunRecord = {
      ...record,
      status: 'failed',
      finished_at: iso(finished),
      duration_ms: finished.getTime() - started.getTime(),
      inserted: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      duplicates: 0,
      placeholders: 0,
      changed: false,
      error: (e as Error).message,
    };
    await writeRunRecord(session, failed).catch(() => undefined);
    if (e instanceof AppError && e.code !== 'ENGINE_FAILED') throw e;
    throw new AppError(
      'ETL_FAILED',
      `job ${def.name} failed and was rolled back: ${(e as Error).message}`,
      { runId },
      { cause: e },
    );
  } finally {
    rowSource?.close?.();
    await dropTempObjects(session).catch(() => undefined);
  }
}
