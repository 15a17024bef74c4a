import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, type Problem } from '../errors';
import { readYamlFile, type YamlFile, zodProblems } from '../util/yaml-file';
import { type Dashboard, DashboardSchema } from './schema';

export function dashboardFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * A dashboard from parsed YAML (a file, an imported text, or a saved dashboard's JSON),
 * schema-checked; problems carry file, line and field.
 */
export function parseDashboard(yaml: YamlFile, id: string): Dashboard {
  const file = yaml.file;
  const r = DashboardSchema.safeParse(yaml.data);
  if (!r.success) throw new ConfigError(zodProblems(r.error, yaml));
  const problems: Problem[] = [];
  const names = new Set<string>();
  r.data.tiles.forEach((t, i) => {
    if (names.has(t.name))
      problems.push({
        file,
        line: yaml.locate(['tiles', i, 'name']).line,
        field: `tiles.${i}.name`,
        message: `tile "${t.name}" appears twice`,
      });
    names.add(t.name);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...r.data, id, file };
}

/** One dashboard file, schema-checked; its id is the file name without extension. */
export function loadDashboardFile(file: string): Dashboard {
  return parseDashboard(readYamlFile(file), basename(file).replace(/\.ya?ml$/, ''));
}

export function loadDashboards(dir: string): Dashboard[] {
  const problems: Problem[] = [];
  const out: Dashboard[] = [];
  for (const f of dashboardFiles(dir)) {
    try {
      out.push(loadDashboardFile(f));
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}
