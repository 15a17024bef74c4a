import { basename, join } from 'node:path';
import { AppError } from '../../errors';
import { type Job, listJobFiles, loadJobFile } from '../job/load';

/**
 * Where jobs live: `etl/jobs` (files: what `etl run --all` and `npm start` load) and
 * `etl/jobs-sources` (database and HTTP sources, run by name or on their schedule).
 */
export const JOB_FOLDERS = [join('etl', 'jobs'), join('etl', 'jobs-sources')] as const;

/** Every job of both folders, in file order. A broken file fails the listing with its problems. */
export function allJobs(root: string): Job[] {
  return JOB_FOLDERS.flatMap((f) => listJobFiles(join(root, f)).map(loadJobFile));
}

/** A job by its name (or its file's base name) in either folder. */
export function findJob(root: string, name: string): Job {
  const found = allJobs(root).find(
    (j) => j.definition.name === name || basename(j.file).replace(/\.ya?ml$/, '') === name,
  );
  if (!found) throw new AppError('JOB_NOT_FOUND', `no job named "${name}" in ${JOB_FOLDERS.join(' or ')}`);
  return found;
}
