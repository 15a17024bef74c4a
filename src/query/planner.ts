import { AppError } from '../errors';
import { referencedMembers } from '../model/expression';
import { joinPath } from '../model/join-graph';
import type { FactGroup, LogicalFilter, LogicalMeasure } from '../model/logical-query';
import { splitMemberName } from '../model/names';
import type { Cube, JoinEdge, Measure, Model, ModelExpr } from '../model/types';

/** Cubes an expression needs beyond its own: those of `{cube.member}` references, transitively. */
export function cubesOf(
  model: Model,
  owner: string,
  exprs: readonly ModelExpr[],
  into = new Set<string>(),
): Set<string> {
  into.add(owner);
  for (const e of exprs) {
    for (const ref of referencedMembers(e)) {
      const [c, m] = splitMemberName(ref) ?? [];
      const cube = c ? model.cubes.get(c) : undefined;
      if (!cube || into.has(`${c}.${m}`)) continue;
      into.add(`${c}.${m}`);
      const member = cube.dimensions.get(m!) ?? cube.measures.get(m!);
      if (!member) continue;
      const inner =
        member.kind === 'dimension' ? [member.sql] : [...(member.sql ? [member.sql] : []), ...member.filters];
      cubesOf(model, c!, inner, into);
    }
  }
  return into;
}

/** Only cube names (cubesOf also records visited member names to stop recursion). */
export function cubeNames(set: ReadonlySet<string>): Set<string> {
  return new Set([...set].filter((x) => !x.includes('.')));
}

function measureExprs(m: Measure): ModelExpr[] {
  return [...(m.sql ? [m.sql] : []), ...m.filters];
}

/** Aggregates that give the same answer when rows repeat. */
const DUPLICATE_SAFE = new Set(['count_distinct', 'count_distinct_approx', 'min', 'max']);

function reachesAll(model: Model, root: string, targets: Iterable<string>): boolean {
  for (const t of targets) if (t !== root && joinPath(model.edges, root, t) === undefined) return false;
  return true;
}

/** The edges that join `root` to every target, parents before children. */
export function joinTree(model: Model, root: string, targets: Iterable<string>): JoinEdge[] {
  const edges: JoinEdge[] = [];
  const seen = new Set<string>([root]);
  const paths = [...targets]
    .filter((t) => t !== root)
    .map((t) => joinPath(model.edges, root, t)!)
    .sort((a, b) => a.length - b.length);
  for (const path of paths) {
    for (const e of path) {
      if (seen.has(e.to)) continue;
      seen.add(e.to);
      edges.push(e);
    }
  }
  return edges;
}

function noPath(cubes: Iterable<string>): AppError {
  return new AppError(
    'INVALID_QUERY',
    `no join path connects the cubes ${[...cubes].sort().join(', ')}; query members that one cube reaches through its joins`,
  );
}

/**
 * Splits the measures into groups aggregated separately, each from a root cube that reaches
 * every cube the dimensions and filters need. A measure whose own cube reaches them is its own
 * root: facts are never multiplied by each other's joins. Otherwise the measure is aggregated
 * from a root that reaches its cube, over distinct primary keys when duplicates would change it.
 */
export function planGroups(
  model: Model,
  measures: readonly LogicalMeasure[],
  rowCubes: ReadonlySet<string>,
  queryCubes: readonly string[],
): FactGroup[] {
  const groups = new Map<
    string,
    { root: Cube; measures: LogicalMeasure[]; multiplied: Set<string>; needed: Set<string> }
  >();
  const groupOf = (root: string) => {
    let g = groups.get(root);
    if (!g) {
      g = { root: model.cubes.get(root)!, measures: [], multiplied: new Set(), needed: new Set(rowCubes) };
      groups.set(root, g);
    }
    return g;
  };
  for (const lm of measures) {
    const m = lm.measure;
    const needed = cubeNames(cubesOf(model, m.cube, measureExprs(m), new Set(rowCubes)));
    let root = reachesAll(model, m.cube, needed) ? m.cube : undefined;
    if (!root) root = queryCubes.find((c) => reachesAll(model, c, needed));
    if (!root) throw noPath(needed);
    const g = groupOf(root);
    g.measures.push(lm);
    for (const c of needed) g.needed.add(c);
    if (root !== m.cube && !DUPLICATE_SAFE.has(m.type)) {
      const cube = model.cubes.get(m.cube)!;
      if (![...cube.dimensions.values()].some((d) => d.primaryKey)) {
        throw new AppError(
          'UNSUPPORTED_FEATURE',
          `${m.fullName} would be counted once per ${root} row; give cube ${m.cube} a primary_key dimension to aggregate it correctly`,
        );
      }
      g.multiplied.add(m.fullName);
    }
  }
  if (groups.size === 0) {
    const root = queryCubes.find((c) => reachesAll(model, c, rowCubes)) ?? [...rowCubes][0];
    if (!root || !reachesAll(model, root, rowCubes)) throw noPath(rowCubes);
    groupOf(root);
  }
  return [...groups.values()].map((g) => ({
    root: g.root,
    joins: joinTree(model, g.root.name, g.needed),
    measures: g.measures,
    multiplied: g.multiplied,
  }));
}

/** The model expressions a row filter evaluates, with the cube each belongs to. */
export function rowFilterExprs(f: LogicalFilter): { cube: string; exprs: ModelExpr[] }[] {
  switch (f.kind) {
    case 'and':
    case 'or':
      return f.children.flatMap(rowFilterExprs);
    case 'segment':
      return [{ cube: f.segment.cube, exprs: [f.segment.sql] }];
    case 'measure_filter':
      return [{ cube: f.measure.cube, exprs: [...f.measure.filters] }];
    case 'condition':
      return f.member.kind === 'dimension' ? [{ cube: f.member.cube, exprs: [f.member.sql] }] : [];
  }
}
