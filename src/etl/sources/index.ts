import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Session } from '../../engine';
import { AppError } from '../../errors';
import type { Job } from '../job/load';
import { type FileSource, isRemoteSource } from '../job/schema';
import { csvReader } from './csv';
import { SourceDamage } from './file-stream';
import { jsonlReader } from './jsonl';
import { parquetReader } from './parquet';
import { prepareRemoteSource, remoteSourceLabel } from './remote';
import type { RowSource, SourceReader } from './staged-source';

export { MALFORMED, type RowSource } from './staged-source';

const READERS: Record<string, SourceReader> = { csv: csvReader, jsonl: jsonlReader, parquet: parquetReader };

/** Resolves a file source's path against the project root (where rapport runs). */
export function sourcePath(job: Job, root: string): string {
  const p = (job.definition.source as FileSource).path;
  return isAbsolute(p) ? p : resolve(root, p);
}

/** How runs and rejects name the source: the file relative to the root, or `type:connection/table`. */
export function sourceLabel(job: Job, root: string): string {
  const source = job.definition.source;
  if (isRemoteSource(source)) return remoteSourceLabel(source);
  return relative(root, sourcePath(job, root)) || source.path;
}

/**
 * Prepares the job's source for the typed stage (JSON Lines are staged as text here; database
 * and HTTP sources are extracted into a staging table, from `previousMark` on when incremental).
 */
export async function prepareSource(
  session: Session,
  job: Job,
  root: string,
  previousMark?: string,
): Promise<RowSource> {
  const source = job.definition.source;
  if (isRemoteSource(source)) return prepareRemoteSource(session, job, root, previousMark);
  const path = sourcePath(job, root);
  if (!existsSync(path)) {
    throw new AppError(
      'SOURCE_NOT_FOUND',
      `${job.file}:${job.lineOf(['source', 'path'])}: no file at ${path}`,
      {
        file: job.file,
        line: job.lineOf(['source', 'path']),
        field: 'source.path',
      },
    );
  }
  const reader = READERS[source.type];
  if (!reader) throw new Error(`no reader for source type ${source.type}`);
  const line = job.lineOf(['source']);
  const label = sourceLabel(job, root);
  const fail = (message: string, cause?: unknown) =>
    new AppError(
      'SOURCE_INVALID',
      `${job.file}:${line}: ${message}`,
      { file: job.file, line, field: 'source' },
      cause === undefined ? undefined : { cause },
    );
  // A file with nothing in it is what an export that died leaves behind: it never loads as
  // "no rows" (a CSV with only its header does).
  if (statSync(path).size === 0) throw fail(`${label} is empty (0 bytes)`);
  try {
    const mapped = Object.values(job.definition.mapping).filter((m): m is string => typeof m === 'string');
    return await reader.prepare(session, source, { path, label, mapped, fail });
  } catch (e) {
    if (e instanceof AppError && e.code !== 'ENGINE_FAILED') throw e;
    if (e instanceof SourceDamage) throw fail(e.message, e);
    // The engine's own text is not for users: say which file could not be read, and keep the
    // engine's error as the cause.
    throw fail(`cannot read ${label} as ${source.type}`, e);
  }
}
