import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Problem } from '../errors';
import { parseYamlText, readYamlFile, type YamlFile, zodProblems } from '../util/yaml-file';
import { buildModel, type SourcedCube } from './build';
import { CubeFileSchema } from './schema';
import type { Model } from './types';

/** Parses one cube file; schema problems are collected rather than thrown. */
export function cubesOfFile(yaml: YamlFile): { cubes: SourcedCube[]; problems: Problem[] } {
  const parsed = CubeFileSchema.safeParse(yaml.data);
  if (!parsed.success) return { cubes: [], problems: zodProblems(parsed.error, yaml) };
  return { cubes: parsed.data.cubes.map((definition, index) => ({ definition, yaml, index })), problems: [] };
}

export function cubeFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** Loads every `cubes/*.yml` file into one model; throws a ConfigError listing every problem. */
export function loadModel(dir: string): Model {
  const problems: Problem[] = [];
  const cubes: SourcedCube[] = [];
  for (const file of cubeFiles(dir)) {
    try {
      const r = cubesOfFile(readYamlFile(file));
      cubes.push(...r.cubes);
      problems.push(...r.problems);
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  }
  const built = buildModel(cubes);
  problems.push(...built.problems);
  if (problems.length > 0 || !built.model) throw new ConfigError(problems);
  return built.model;
}

/** A model from YAML texts (tests and checks). */
export function modelFromTexts(files: Record<string, string>): Model {
  const problems: Problem[] = [];
  const cubes: SourcedCube[] = [];
  for (const [file, text] of Object.entries(files)) {
    const r = cubesOfFile(parseYamlText(text, file));
    cubes.push(...r.cubes);
    problems.push(...r.problems);
  }
  const built = buildModel(cubes);
  problems.push(...built.problems);
  if (problems.length > 0 || !built.model) throw new ConfigError(problems);
  return built.model;
}
