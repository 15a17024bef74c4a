import { existsSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { Cron } from 'croner';
import { AppError, ConfigError, type Problem } from '../../errors';
import { parseYamlText, readYamlFile, type YamlFile, zodProblems } from '../../util/yaml-file';
import { CONTRACT_NAMES, getContract, type LandingContract } from '../contracts';
import { isRemoteSource, type JobDefinition, JobSchema } from './schema';

/** A validated job, with the file it came from so that later errors can point into it. */
export interface Job {
  readonly definition: JobDefinition;
  readonly file: string;
  /** Line of a value in the job file, for errors found at run time (e.g. a bad expression). */
  readonly lineOf: (path: readonly PropertyKey[]) => number;
}

/** Checks that need the contract: known target, known fields, required fields mapped. */
function contractProblems(def: JobDefinition, yaml: YamlFile): Problem[] {
  const at = (path: PropertyKey[], message: string): Problem => ({
    file: yaml.file,
    line: yaml.locate(path).line,
    field: path.join('.'),
    message,
  });
  const contract = getContract(def.target);
  if (!contract) {
    return [at(['target'], `unknown target "${def.target}"; expected one of ${CONTRACT_NAMES.join(', ')}`)];
  }
  const problems: Problem[] = [];
  for (const field of Object.keys(def.mapping)) {
    if (!(field in contract.fields)) {
      problems.push(
        at(
          ['mapping', field],
          `"${field}" is not a field of ${contract.name}; fields: ${Object.keys(contract.fields).join(', ')}`,
        ),
      );
    }
  }
  for (const [field, spec] of Object.entries(contract.fields)) {
    if (spec.required && !(field in def.mapping)) {
      problems.push(at(['mapping'], `required field "${field}" of ${contract.name} is not mapped`));
    }
  }
  if (def.incremental && !(def.incremental.key in contract.fields)) {
    problems.push(at(['incremental', 'key'], `"${def.incremental.key}" is not a field of ${contract.name}`));
  } else if (def.incremental && !(def.incremental.key in def.mapping)) {
    problems.push(at(['incremental', 'key'], `the incremental key "${def.incremental.key}" is not mapped`));
  }
  problems.push(...sourceProblems(def, at, contract));
  return problems;
}

/** Checks of database and HTTP sources, soft deletes and schedules. */
function sourceProblems(
  def: JobDefinition,
  at: (path: PropertyKey[], message: string) => Problem,
  contract: LandingContract,
): Problem[] {
  const problems: Problem[] = [];
  const kind = contract.kind;
  const keyType = def.incremental ? contract.fields[def.incremental.key]?.type : undefined;
  const source = def.source;
  if (
    (source.type === 'postgres' || source.type === 'mysql') &&
    (source.table === undefined) === (source.query === undefined)
  ) {
    problems.push(at(['source'], 'a database source names exactly one of table and query'));
  }
  if (def.incremental && isRemoteSource(source)) {
    if (typeof def.mapping[def.incremental.key] !== 'string') {
      problems.push(
        at(
          ['incremental', 'key'],
          'on a database or HTTP source the incremental key must map to a source column (it filters the extract)',
        ),
      );
    }
    if (keyType === 'integer' && def.incremental.overlap === undefined) {
      problems.push(
        at(
          ['incremental'],
          'an integer incremental key on a database or HTTP source needs an explicit overlap (ids are taken before commit, so rows committed late carry ids behind the watermark); 0 accepts that risk',
        ),
      );
    }
    if (source.type === 'http' && source.incremental_param === undefined) {
      problems.push(
        at(['incremental'], 'an incremental HTTP source needs source.incremental_param (e.g. updated_since)'),
      );
    }
  }
  if (def.incremental?.overlap !== undefined && !isRemoteSource(source)) {
    problems.push(at(['incremental', 'overlap'], 'overlap applies to database and HTTP sources only'));
  } else if (
    def.incremental?.overlap !== undefined &&
    !['timestamp', 'date', 'integer'].includes(keyType ?? '')
  ) {
    problems.push(
      at(
        ['incremental', 'overlap'],
        `overlap needs a timestamp, date or integer key; ${def.incremental.key} is ${keyType ?? 'unknown'}`,
      ),
    );
  }
  if (def.soft_delete && !isRemoteSource(source)) {
    problems.push(at(['soft_delete'], 'soft_delete applies to database and HTTP sources only'));
  } else if (def.soft_delete && kind !== 'fact') {
    problems.push(
      at(
        ['soft_delete'],
        `soft deletes propagate to facts only; ${def.target} is a dimension that facts keep referring to`,
      ),
    );
  }
  if (def.schedule !== undefined) {
    try {
      new Cron(def.schedule, { paused: true }).stop();
    } catch (e) {
      problems.push(at(['schedule'], `not a cron expression: ${(e as Error).message}`));
    }
  }
  return problems;
}

export function jobFromYaml(yaml: YamlFile): Job {
  const parsed = JobSchema.safeParse(yaml.data);
  if (!parsed.success) throw new ConfigError(zodProblems(parsed.error, yaml));
  const problems = contractProblems(parsed.data, yaml);
  if (problems.length > 0) throw new ConfigError(problems);
  return { definition: parsed.data, file: yaml.file, lineOf: (path) => yaml.locate(path).line };
}

export function loadJobFile(file: string): Job {
  return jobFromYaml(readYamlFile(file));
}

export function parseJobText(text: string, file = '<inline>'): Job {
  return jobFromYaml(parseYamlText(text, file));
}

export function listJobFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Finds a job by name (searching `etl/jobs`) or by file path. Every job file of the folder is
 * parsed when searching by name, so a broken sibling is reported rather than silently skipped.
 */
export function resolveJob(ref: string, jobsDir: string): Job {
  if (ref.endsWith('.yml') || ref.endsWith('.yaml') || ref.includes('/')) {
    const file = isAbsolute(ref) ? ref : resolve(ref);
    if (!existsSync(file)) throw new AppError('JOB_NOT_FOUND', `no job file at ${ref}`);
    return loadJobFile(file);
  }
  for (const file of listJobFiles(jobsDir)) {
    if (basename(file).replace(/\.ya?ml$/, '') === ref) return loadJobFile(file);
  }
  for (const file of listJobFiles(jobsDir)) {
    const job = loadJobFile(file);
    if (job.definition.name === ref) return job;
  }
  throw new AppError('JOB_NOT_FOUND', `no job named "${ref}" in ${jobsDir}`);
}
