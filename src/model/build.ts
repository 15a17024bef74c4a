import type { Problem } from '../errors';
import type { YamlFile } from '../util/yaml-file';
import { accessPoliciesFrom, checkAccessPolicies, checkRawTableReads } from './access/build';
import { parseExpression, referencedMembers } from './expression';
import { joinEdges, pathsFrom } from './join-graph';
import { splitMemberName, titleOf } from './names';
import type { CubeDefinition } from './schema';
import type { Cube, Dimension, ExprPart, Hierarchy, Join, Measure, Model, ModelExpr, Segment } from './types';

/** A cube definition with the file it came from and its index there, for positions. */
export interface SourcedCube {
  readonly definition: CubeDefinition;
  readonly yaml: YamlFile;
  readonly index: number;
}

type At = (path: (string | number)[]) => { file: string; line: number };

/**
 * Builds the model from every cube definition of every file, collecting all problems: names,
 * expressions, references, measure cycles and ambiguous join paths. Returns the model only if
 * there is no problem.
 */
export function buildModel(sources: readonly SourcedCube[]): { model?: Model; problems: Problem[] } {
  const problems: Problem[] = [];
  const cubes = new Map<string, Cube>();
  const atOf =
    (s: SourcedCube): At =>
    (path) => ({ file: s.yaml.file, line: s.yaml.locate(['cubes', s.index, ...path]).line });

  for (const s of sources) {
    const def = s.definition;
    const at = atOf(s);
    if (cubes.has(def.name)) {
      problems.push({ ...at(['name']), field: def.name, message: `cube "${def.name}" is defined twice` });
      continue;
    }
    cubes.set(def.name, cubeFrom(def, at, problems));
  }
  const edges = joinEdges(cubes);
  const model: Model = { cubes, edges };
  for (const name of cubes.keys()) checkReferences(model, name, problems);
  checkJoinGraph(model, problems);
  checkCycles(model, problems);
  checkAccessPolicies(model, problems);
  checkRawTableReads(model, problems);
  return problems.length === 0 ? { model, problems } : { problems };
}

function cubeFrom(def: CubeDefinition, at: At, problems: Problem[]): Cube {
  const cube = def.name;
  const expr = (source: string, path: (string | number)[], member: string): ModelExpr => {
    const { expr: e, issues } = parseExpression(source, cube);
    for (const i of issues) problems.push({ ...at(path), field: `${cube}.${member}`, message: i.message });
    return e;
  };
  const seen = new Set<string>();
  const unique = (name: string, path: (string | number)[]) => {
    if (seen.has(name))
      problems.push({ ...at(path), field: `${cube}.${name}`, message: `member "${name}" is declared twice` });
    seen.add(name);
  };
  const cubeTitle = def.title ?? titleOf(cube);
  const base = (
    name: string,
    title: string | undefined,
    shortTitle: string | undefined,
    path: (string | number)[],
  ) => {
    const t = title ?? titleOf(name);
    return {
      cube,
      name,
      fullName: `${cube}.${name}`,
      // "Tickets" of the tickets cube reads "Tickets", not "Tickets Tickets".
      title: t.toLowerCase().includes(cubeTitle.toLowerCase()) ? t : `${cubeTitle} ${t}`,
      shortTitle: shortTitle ?? t,
      origin: at(path),
    };
  };

  const dimensions = new Map<string, Dimension>();
  (def.dimensions ?? []).forEach((d, i) => {
    const path = ['dimensions', i];
    unique(d.name, path);
    dimensions.set(d.name, {
      ...base(d.name, d.title, d.short_title, path),
      kind: 'dimension',
      type: d.type,
      sql: expr(d.sql, [...path, 'sql'], d.name),
      primaryKey: d.primary_key ?? false,
      calendarDate: d.calendar_date ?? false,
      segmentMembership: d.segment_membership ?? false,
      labels: d.labels,
      humanize: d.humanize ?? d.type === 'string',
      json: d.json ?? false,
      public: d.public ?? true,
      format: d.format,
      description: d.description,
    });
  });
  const measures = new Map<string, Measure>();
  (def.measures ?? []).forEach((m, i) => {
    const path = ['measures', i];
    unique(m.name, path);
    if (m.type !== 'count' && m.sql === undefined) {
      problems.push({ ...at(path), field: `${cube}.${m.name}`, message: `a ${m.type} measure needs sql` });
    }
    measures.set(m.name, {
      ...base(m.name, m.title, m.short_title, path),
      kind: 'measure',
      type: m.type,
      sql: m.sql === undefined ? undefined : expr(m.sql, [...path, 'sql'], m.name),
      filters: (m.filters ?? []).map((f, j) => expr(f.sql, [...path, 'filters', j, 'sql'], m.name)),
      format: m.format,
      public: m.public ?? true,
      drillMembers: m.drill_members ?? [],
      better: m.better ?? 'higher',
      unit: m.unit,
      description: m.description,
    });
  });
  const segments = new Map<string, Segment>();
  (def.segments ?? []).forEach((sg, i) => {
    const path = ['segments', i];
    unique(sg.name, path);
    segments.set(sg.name, {
      ...base(sg.name, sg.title, undefined, path),
      kind: 'segment',
      sql: expr(sg.sql, [...path, 'sql'], sg.name),
      public: sg.public ?? true,
      description: sg.description,
    });
  });
  const joins: Join[] = (def.joins ?? []).map((j, i) => ({
    from: cube,
    to: j.name,
    relationship: j.relationship,
    sql: expr(j.sql, ['joins', i, 'sql'], `join ${j.name}`),
    origin: at(['joins', i]),
  }));
  const hierarchies = new Map<string, Hierarchy>();
  (def.hierarchies ?? []).forEach((h, i) => {
    hierarchies.set(h.name, {
      cube,
      name: h.name,
      fullName: `${cube}.${h.name}`,
      title: h.title ?? titleOf(h.name),
      levels: h.levels.map((l) => (l.includes('.') ? l : `${cube}.${l}`)),
      origin: at(['hierarchies', i]),
    });
  });
  return {
    name: cube,
    title: cubeTitle,
    description: def.description,
    source:
      def.sql_table !== undefined
        ? { kind: 'table', path: def.sql_table.split('.') }
        : { kind: 'sql', sql: expr(def.sql!, ['sql'], '(sql)') },
    public: def.public ?? true,
    measures,
    dimensions,
    segments,
    joins,
    hierarchies,
    origin: at([]),
    accessPolicies: accessPoliciesFrom(cube, def.access_policy, at),
    timeDimension: def.time_dimension,
  };
}

/** Resolves `{name}` to a member of the cube or, failing that, to a cube; checks every reference exists. */
function checkReferences(model: Model, cubeName: string, problems: Problem[]): void {
  const cube = model.cubes.get(cubeName);
  if (!cube) return;
  const reachable = pathsFrom(model.edges, cubeName);
  const check = (
    e: ModelExpr,
    origin: { file: string; line: number },
    owner: string,
    allowed: 'dimension' | 'measure' | 'join',
  ) => {
    const parts = e.parts as ExprPart[];
    parts.forEach((p, i) => {
      if (p.kind === 'table' && !model.cubes.has(p.cube))
        problems.push({ ...origin, field: owner, message: `{TABLE ${p.cube}}: unknown cube ${p.cube}` });
      if (p.kind !== 'member') return;
      const own = p.cube === cubeName;
      if (
        own &&
        !cube.dimensions.has(p.member) &&
        !cube.measures.has(p.member) &&
        model.cubes.has(p.member)
      ) {
        parts[i] = { kind: 'cube', cube: p.member };
        if (allowed !== 'join') {
          problems.push({
            ...origin,
            field: owner,
            message: `{${p.member}} names a cube; only join conditions may`,
          });
        }
        return;
      }
      const target = model.cubes.get(p.cube);
      const name = `${p.cube}.${p.member}`;
      const isDimension = target?.dimensions.has(p.member) ?? false;
      const isMeasure = target?.measures.has(p.member) ?? false;
      if (!target || (!isDimension && !isMeasure)) {
        problems.push({ ...origin, field: owner, message: `unknown member {${own ? p.member : name}}` });
      } else if (allowed === 'measure' && !isMeasure) {
        problems.push({
          ...origin,
          field: owner,
          message: `a number measure refers to measures; {${name}} is a dimension`,
        });
      } else if (allowed !== 'measure' && isMeasure) {
        problems.push({
          ...origin,
          field: owner,
          message: `{${name}} is a measure; only number measures may refer to measures`,
        });
      } else if (allowed === 'measure' && !own) {
        problems.push({
          ...origin,
          field: owner,
          message: `a number measure may only refer to measures of its own cube`,
        });
      } else if (!own && !reachable.has(p.cube)) {
        problems.push({
          ...origin,
          field: owner,
          message: `{${name}}: no join path from ${cubeName} to ${p.cube}`,
        });
      }
    });
  };
  for (const d of cube.dimensions.values()) check(d.sql, d.origin, d.fullName, 'dimension');
  for (const m of cube.measures.values()) {
    if (m.sql) check(m.sql, m.origin, m.fullName, m.type === 'number' ? 'measure' : 'dimension');
    for (const f of m.filters) check(f, m.origin, m.fullName, 'dimension');
    for (const d of m.drillMembers) {
      const [c, n] = splitMemberName(d.includes('.') ? d : `${cubeName}.${d}`) ?? [];
      if (!c || !n || !model.cubes.get(c)?.dimensions.has(n)) {
        problems.push({ ...m.origin, field: m.fullName, message: `unknown drill member ${d}` });
      }
    }
  }
  for (const s of cube.segments.values()) check(s.sql, s.origin, s.fullName, 'dimension');
  for (const j of cube.joins) {
    if (!model.cubes.has(j.to)) {
      problems.push({ ...j.origin, field: `${cubeName} join`, message: `join to unknown cube "${j.to}"` });
    }
    check(j.sql, j.origin, `${cubeName} join ${j.to}`, 'join');
  }
  for (const h of cube.hierarchies.values()) {
    for (const level of h.levels) {
      const [c, n] = splitMemberName(level) ?? [];
      const d = c && n ? model.cubes.get(c)?.dimensions.get(n) : undefined;
      if (!d)
        problems.push({
          ...h.origin,
          field: h.fullName,
          message: `hierarchy level ${level} is not a dimension`,
        });
      else if (d.type === 'time')
        problems.push({
          ...h.origin,
          field: h.fullName,
          message: `hierarchy level ${level} is a time dimension; time drills by granularity`,
        });
      else if (c !== cubeName && !reachable.has(c!))
        problems.push({ ...h.origin, field: h.fullName, message: `no join path to ${level}` });
    }
  }
  if (cube.timeDimension !== undefined && cube.dimensions.get(cube.timeDimension)?.type !== 'time') {
    problems.push({
      ...cube.origin,
      field: `${cubeName}.time_dimension`,
      message: `time_dimension ${cube.timeDimension} is not a time dimension of ${cubeName}`,
    });
  }
}

function checkJoinGraph(model: Model, problems: Problem[]): void {
  for (const from of model.cubes.keys()) {
    for (const [to, paths] of pathsFrom(model.edges, from)) {
      if (paths.length > 1) {
        const describe = (p: readonly { from: string; to: string }[]) =>
          [from, ...p.map((e) => e.to)].join(' > ');
        problems.push({
          ...paths[1]!.at(-1)!.join.origin,
          field: `${from} join`,
          message: `the join graph is ambiguous: ${from} reaches ${to} by ${describe(paths[0]!)} and by ${describe(paths[1]!)}`,
        });
      }
    }
  }
}

/** Number measures and dimensions must not refer to themselves, directly or not. */
function checkCycles(model: Model, problems: Problem[]): void {
  const deps = new Map<string, { refs: string[]; origin: { file: string; line: number } }>();
  for (const cube of model.cubes.values()) {
    for (const d of cube.dimensions.values())
      deps.set(d.fullName, { refs: referencedMembers(d.sql), origin: d.origin });
    for (const m of cube.measures.values())
      deps.set(m.fullName, { refs: m.sql ? referencedMembers(m.sql) : [], origin: m.origin });
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const key = [...cycle].sort().join();
      if (!reported.has(key)) {
        reported.add(key);
        problems.push({
          ...deps.get(name)!.origin,
          field: name,
          message: `circular reference: ${cycle.join(' -> ')}`,
        });
      }
      return;
    }
    state.set(name, 'visiting');
    for (const r of deps.get(name)?.refs ?? []) if (deps.has(r)) visit(r, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of deps.keys()) visit(name, []);
}
