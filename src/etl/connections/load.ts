import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../errors';
import { parseWith, readYamlFile } from '../../util/yaml-file';
import { type Environment, interpolate } from './interpolate';
import { type ConnectionDefinition, SourcesFileSchema } from './schema';

export const SOURCES_FILE = join('etl', 'sources.yml');

/** A named connection of `etl/sources.yml`, still holding its `${ENV_VAR}` references. */
export interface NamedConnection {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly definition: ConnectionDefinition;
}

/** Reads and validates `etl/sources.yml` under `root` (every problem with its line). */
export function loadConnections(root: string): Map<string, NamedConnection> {
  const file = join(root, SOURCES_FILE);
  if (!existsSync(file)) return new Map();
  const yaml = readYamlFile(file);
  const parsed = parseWith(SourcesFileSchema, yaml);
  return new Map(
    Object.entries(parsed.connections).map(([name, definition]) => [
      name,
      { name, file, line: yaml.locate(['connections', name]).line, definition },
    ]),
  );
}

/** The connection a job names, with the type the job's source needs. */
export function findConnection<T extends ConnectionDefinition['type']>(
  root: string,
  name: string,
  type: T,
): NamedConnection & { definition: Extract<ConnectionDefinition, { type: T }> } {
  const found = loadConnections(root).get(name);
  if (!found) {
    throw new AppError('CONFIG_INVALID', `no connection "${name}" in ${SOURCES_FILE}`, { connection: name });
  }
  if (found.definition.type !== type) {
    throw new AppError(
      'CONFIG_INVALID',
      `connection "${name}" in ${SOURCES_FILE} is of type ${found.definition.type}, the job needs ${type}`,
      { connection: name },
    );
  }
  return found as NamedConnection & { definition: Extract<ConnectionDefinition, { type: T }> };
}

/** Resolves one setting's `${ENV_VAR}` references; the error names the file, line and key. */
export function resolveSetting(
  c: NamedConnection,
  key: string,
  value: string | undefined,
  env: Environment = process.env,
): string | undefined {
  if (value === undefined) return undefined;
  return interpolate(value, env, `${c.file}:${c.line} (connections.${c.name}.${key})`);
}
