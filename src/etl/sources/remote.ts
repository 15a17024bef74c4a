import type { Session } from '../../engine';
import { AppError } from '../../errors';
import { raw } from '../../sql';
import { getContract } from '../contracts';
import type { Job } from '../job/load';
import type { RemoteSource } from '../job/schema';
import { BatchStager, STAGE } from './batch-stager';
import type { ExtractContext, ExtractOutcome } from './extract-context';
import { type ExtractWindow, lowerBound } from './extract-window';
import { expandRecords, httpExtract } from './http';
import { mysqlExtract } from './mysql';
import { postgresExtract } from './postgres';
import { redactUrls } from './redact';
import { describeRelation, type RowSource } from './staged-source';

/** How runs and rejects name a remote source: `postgres:crm/public.customers`, `http:shop/v1/orders`. */
export function remoteSourceLabel(source: RemoteSource): string {
  const what = source.type === 'http' ? source.path : (source.table ?? 'query');
  return `${source.type}:${source.connection}${what.startsWith('/') ? '' : '/'}${what}`;
}

/** The extract window of an incremental run: the key's source column from the stored watermark. */
export function extractWindow(job: Job, previousMark: string | undefined): ExtractWindow | undefined {
  const inc = job.definition.incremental;
  if (!inc || previousMark === undefined) return undefined;
  const m = job.definition.mapping[inc.key];
  if (typeof m !== 'string') return undefined;
  const type = getContract(job.definition.target)?.fields[inc.key]?.type ?? 'string';
  return { column: m, from: lowerBound(previousMark, type, inc.overlap) };
}

/** The snapshot time as a cap of the job's incremental key (timestamp and date keys only). */
function watermarkCap(job: Job, outcome: ExtractOutcome | undefined): string | undefined {
  const key = job.definition.incremental?.key;
  if (!key || !outcome?.snapshotAt) return undefined;
  const type = getContract(job.definition.target)?.fields[key]?.type;
  if (type === 'timestamp') return outcome.snapshotAt;
  if (type === 'date') return outcome.snapshotAt.slice(0, 10);
  return undefined;
}

function extractor(source: RemoteSource): (ctx: ExtractContext) => Promise<ExtractOutcome | undefined> {
  switch (source.type) {
    case 'postgres':
      return (ctx) => postgresExtract(source, ctx);
    case 'mysql':
      return (ctx) => mysqlExtract(source, ctx);
    case 'http':
      return (ctx) => httpExtract(source, ctx);
  }
}

/**
 * Extracts a database table or query, or an HTTP API, batch by batch into the temp table
 * `__src` (one row per source row, `__line` = its 1-based ordinal in the extract), ready for
 * the typed stage like a file. A connection lost mid-way fails here, before anything is merged.
 */
export async function prepareRemoteSource(
  session: Session,
  job: Job,
  root: string,
  previousMark: string | undefined,
): Promise<RowSource> {
  const source = job.definition.source as RemoteSource;
  const stager = new BatchStager(session);
  const label = `rapport etl ${job.definition.name}`;
  let outcome: ExtractOutcome | undefined;
  try {
    outcome = await extractor(source)({ root, stager, window: extractWindow(job, previousMark), label });
    await stager.finish();
    if (source.type === 'http') {
      const mapped = Object.values(job.definition.mapping).filter((m): m is string => typeof m === 'string');
      await expandRecords(session, mapped);
    }
  } catch (e) {
    if (e instanceof AppError && e.code !== 'ENGINE_FAILED') {
      throw new AppError(e.code, `${job.file}:${job.lineOf(['source'])}: ${e.message}`, e.details, {
        cause: e,
      });
    }
    throw new AppError(
      'SOURCE_NOT_FOUND',
      `${job.file}:${job.lineOf(['source'])}: cannot extract ${remoteSourceLabel(source)}: ${redactUrls((e as Error).message)}`,
      { file: job.file, line: job.lineOf(['source']), field: 'source' },
      { cause: e },
    );
  }
  const relation = raw(STAGE);
  return {
    relation,
    columns: await describeRelation(session, relation),
    lineColumn: true,
    position: 'row',
    watermarkCap: watermarkCap(job, outcome),
    // Database rows cannot be malformed; HTTP records that are not objects were collected above.
    collectMalformed: async () => undefined,
  };
}
