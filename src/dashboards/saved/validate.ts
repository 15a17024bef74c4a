import { ConfigError } from '../../errors';
import type { Model } from '../../model/types';
import { parseYamlText, type YamlFile } from '../../util/yaml-file';
import { checkDashboardYaml } from '../check';
import { parseDashboard } from '../load';
import type { Dashboard } from '../schema';

/** A JSON body seen as a YAML document: it has no lines, so problems name the field only. */
function jsonDocument(data: unknown, where: string): YamlFile {
  return { file: where, data, locate: () => ({ line: 0, column: 0 }) };
}

/**
 * A dashboard given through the API (JSON) or as YAML text, held to everything `rapport check`
 * asks of a file: the schema, members the model has, reports and parameters that exist, specs
 * that compile. Every problem is listed (400 CONFIG_INVALID), with its line for YAML.
 */
export function validDashboard(
  input: { json: unknown } | { yaml: string },
  model: Model,
  id: string,
  where: string,
): Dashboard {
  const doc = 'yaml' in input ? parseYamlText(input.yaml, where) : jsonDocument(input.json, where);
  const problems = checkDashboardYaml(doc, model, id).map((p) =>
    'yaml' in input ? p : { file: p.file, field: p.field, message: p.message },
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return parseDashboard(doc, id);
}
