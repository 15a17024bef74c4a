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

/**
 * The jobs named by `refs` (a job name, a glob over names such as `demo-*`, or a file path),
 * or every job in `jobsDir` when `all` is set, in load order.
 */
export function selectJobs(refs: readonly string[], all: boolean, jobsDir: string): Job[] {
  if (all) return inLoadOrder(listJobFiles(jobsDir).map(loadJobFile));
  const jobs: Job[] = [];
  for (const ref of refs) {
    if (ref.includes('*') || ref.includes('?')) {
      const re = globToRegExp(ref);
      const matched = listJobFiles(jobsDir)
        .map(loadJobFile)
        .filter((j) => re.test(j.definition.name) || re.test(basename(j.file).replace(/\.ya?ml$/, '')));
      if (matched.length === 0) throw new AppError('JOB_NOT_FOUND', `no job matches "${ref}" in ${jobsDir}`);
      jobs.push(...matched);
    } else jobs.push(resolveJob(ref, jobsDir));
  }
  const unique = new Map(jobs.map((j) => [j.file, j]));
  return inLoadOrder([...unique.values()]);
}
