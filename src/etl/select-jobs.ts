import { basename } from 'node:path';
import { AppError } from '../errors';
import { CONTRACTS } from './contracts';
import { type Job, listJobFiles, loadJobFile, resolveJob } from './job/load';

const LOAD_ORDER = new Map(CONTRACTS.map((c, i) => [c.name, i]));

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${escaped}$`);
}

/** Dimensions before the facts that reference them, then by name: the order `--all` runs in. */
export function inLoadOrder(jobs: readonly Job[]): Job[] {
  return [...jobs].sort(
    (a, b) =>
      (LOAD_ORDER.get(a.definition.target) ?? 99) - (LOAD_ORDER.get(b.definition.target) ?? 99) ||
      a.definition.name.localeCompare(b.definition.name),
  );
}

/** The job in the first folder that has it; not found anywhere: the first folder's error. */
function resolveInFolders(ref: string, dirs: readonly string[]): Job {
  let first: unknown;
  for (const dir of dirs) {
    try {
      return resolveJob(ref, dir);
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'JOB_NOT_FOUND')) throw e;
      first ??= e;
    }
  }
  throw first;
}

/**
 * The jobs named by `refs` (a job name, a glob over names such as `demo-*`, or a file path),
 * searched in every folder of `jobsDir`, or every job of its first folder when `all` is set
 * (etl/jobs: the jobs of source systems in etl/jobs-sources run only by name), in load order.
 */
export function selectJobs(
  refs: readonly string[],
  all: boolean,
  jobsDir: string | readonly string[],
): Job[] {
  const dirs = typeof jobsDir === 'string' ? [jobsDir] : jobsDir;
  if (all) return inLoadOrder(listJobFiles(dirs[0]!).map(loadJobFile));
  const jobs: Job[] = [];
  for (const ref of refs) {
    if (ref.includes('*') || ref.includes('?')) {
      const re = globToRegExp(ref);
      const matched = dirs
        .flatMap((d) => listJobFiles(d))
        .map(loadJobFile)
        .filter((j) => re.test(j.definition.name) || re.test(basename(j.file).replace(/\.ya?ml$/, '')));
      if (matched.length === 0)
        throw new AppError('JOB_NOT_FOUND', `no job matches "${ref}" in ${dirs.join(' or ')}`);
      jobs.push(...matched);
    } else jobs.push(resolveInFolders(ref, dirs));
  }
  const unique = new Map(jobs.map((j) => [j.file, j]));
  return inLoadOrder([...unique.values()]);
}
