import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { checkDashboardFile } from '../dashboards/check';
import { ConfigError, type Problem } from '../errors';
import { loadJobFile } from '../etl';
import { loadConnections } from '../etl/connections/load';
import { isRemoteSource } from '../etl/job/schema';
import { sourcePath } from '../etl/sources';
import { loadModel } from '../model/load';

/** A validator for the YAML files of one folder: every problem of every file. */
export interface FolderCheck {
  readonly folder: string;
  readonly check: (files: readonly string[], root: string) => Problem[];
}

function problemsOf(e: unknown, file: string): Problem[] {
  if (e instanceof ConfigError) return [...e.problems];
  return [{ file, message: (e as Error).message }];
}

/** Job files: the schema and contract checks, and that the file or connection they read exists. */
const jobFolder = (folder: string): FolderCheck => ({
  folder,
  check: (files, root) =>
    files.flatMap((file) => {
      try {
        const job = loadJobFile(file);
        const source = job.definition.source;
        if (isRemoteSource(source)) {
          const connection = loadConnections(root).get(source.connection);
          if (connection?.definition.type === source.type) return [];
          return [
            {
              file,
              line: job.lineOf(['source', 'connection']),
              field: 'source.connection',
              message: connection
                ? `connection "${source.connection}" is of type ${connection.definition.type}, not ${source.type}`
                : `no ${source.type} connection "${source.connection}" in etl/sources.yml`,
            },
          ];
        }
        const path = sourcePath(job, root);
        if (!existsSync(path)) {
          return [
            {
              file,
              line: job.lineOf(['source', 'path']),
              field: 'source.path',
              message: `no file at ${path}`,
            },
          ];
        }
        return [];
      } catch (e) {
        return problemsOf(e, file);
      }
    }),
});

/** `etl/sources.yml`: the connections of database and HTTP sources. */
const etlConnections: FolderCheck = {
  folder: 'etl',
  check: (files, root) =>
    files
      .filter((f) => f.endsWith('sources.yml'))
      .flatMap((file) => {
        try {
          loadConnections(root);
          return [];
        } catch (e) {
          return problemsOf(e, file);
        }
      }),
};

/** Cube files are checked together: references and joins cross files. */
const cubes: FolderCheck = {
  folder: 'cubes',
  check: (files) => {
    try {
      loadModel(dirname(files[0]!));
      return [];
    } catch (e) {
      return problemsOf(e, files[0]!);
    }
  },
};

/** Dashboards are checked against the model (members) and by compiling their Vega-Lite specs. */
const dashboards: FolderCheck = {
  folder: 'dashboards',
  check: (files, root) => {
    let model: ReturnType<typeof loadModel>;
    try {
      model = loadModel(join(root, 'cubes'));
    } catch {
      return [
        {
          file: files[0]!,
          message: 'the cube model does not load (see cubes/), so dashboards cannot be checked',
        },
      ];
    }
    return files.flatMap((f) => checkDashboardFile(f, model));
  },
};

// Jobs of source systems live apart from etl/jobs so that `etl run --all` and `npm start`
// load the demo from files on a machine without those databases.
const CHECKS: FolderCheck[] = [
  jobFolder('etl/jobs'),
  jobFolder('etl/jobs-sources'),
  etlConnections,
  cubes,
  dashboards,
];

export function registerFolderCheck(check: FolderCheck): void {
  CHECKS.push(check);
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { encoding: 'utf8' })
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** Validates every YAML file the project has and returns all problems, with paths relative to root. */
export function checkProject(root: string): { files: number; problems: Problem[] } {
  let files = 0;
  const problems: Problem[] = [];
  for (const c of CHECKS) {
    const found = yamlFiles(join(root, c.folder));
    files += found.length;
    if (found.length === 0) continue;
    for (const p of c.check(found, root)) problems.push({ ...p, file: relative(root, p.file) || p.file });
  }
  return { files, problems };
}
