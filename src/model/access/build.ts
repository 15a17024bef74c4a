import type { Problem } from '../../errors';
import { joinPath } from '../join-graph';
import { splitMemberName } from '../names';
import type { Cube, Model, ModelExpr, Origin } from '../types';
import { type AccessPolicyDefinition, contextAttribute, parseCondition } from './schema';
import type { AccessPolicy, PolicyValue } from './types';

type At = (path: (string | number)[]) => Origin;

/** The policies of one cube definition; member names are checked later by `checkAccessPolicies`. */
export function accessPoliciesFrom(
  cube: string,
  defs: readonly AccessPolicyDefinition[] | undefined,
  at: At,
): AccessPolicy[] {
  return (defs ?? []).map((d, i) => {
    const value = (v: string | number): PolicyValue => {
      const attribute = typeof v === 'string' ? contextAttribute(v) : undefined;
      return attribute ? { kind: 'context', attribute } : { kind: 'literal', value: String(v) };
    };
    const rows = d.row_level && 'filters' in d.row_level ? d.row_level.filters : [];
    const includes = d.member_level?.includes;
    const excludes = d.member_level?.excludes;
    return {
      roles: [d.role].flat(),
      conditions: (d.conditions ?? []).map((c) => parseCondition(c.if)!),
      rowFilters: rows.map((f) => ({
        member: f.member.includes('.') ? f.member : `${cube}.${f.member}`,
        operator: f.operator,
        values: f.values.map(value),
      })),
      includes: includes === undefined || includes === '*' ? undefined : includes,
      excludes: excludes === '*' ? ['*'] : (excludes ?? []),
      origin: at(['access_policy', i]),
    };
  });
}

/**
 * Every row filter names a dimension of the cube or of a cube it joins (whose SQL reads only its
 * own cube, so it can be evaluated beside the cube's table); member rules name the cube's members.
 */
export function checkAccessPolicies(model: Model, problems: Problem[]): void {
  for (const cube of model.cubes.values()) {
    for (const p of cube.accessPolicies ?? []) {
      const problem = (field: string, message: string) => problems.push({ ...p.origin, field, message });
      for (const f of p.rowFilters) {
        const [c, m] = splitMemberName(f.member) ?? [];
        const dim = c ? model.cubes.get(c)?.dimensions.get(m!) : undefined;
        if (!dim) {
          problem(`${cube.name} access_policy`, `row filter member ${f.member} is not a dimension`);
          continue;
        }
        if (joinPath(model.edges, cube.name, c!) === undefined)
          problem(
            `${cube.name} access_policy`,
            `${cube.name} does not join ${c}, so it cannot filter by ${f.member}`,
          );
        if (dim.sql.parts.some((part) => part.kind === 'member' && part.cube !== c))
          problem(`${cube.name} access_policy`, `${f.member} reads another cube; filter by a plain column`);
      }
      for (const name of [...(p.includes ?? []), ...p.excludes]) {
        if (name === '*') continue;
        if (!cube.dimensions.has(name) && !cube.measures.has(name) && !cube.segments.has(name))
          problem(`${cube.name}.${name}`, `access_policy names unknown member ${cube.name}.${name}`);
      }
    }
  }
}

function expressionsOf(cube: Cube): { owner: string; origin: Origin; expr: ModelExpr }[] {
  const members = [...cube.dimensions.values(), ...cube.segments.values()].map((m) => ({
    owner: m.fullName,
    origin: m.origin,
    exprs: [m.sql],
  }));
  const measures = [...cube.measures.values()].map((m) => ({
    owner: m.fullName,
    origin: m.origin,
    exprs: [...(m.sql ? [m.sql] : []), ...m.filters],
  }));
  const joins = cube.joins.map((j) => ({
    owner: `${cube.name} join ${j.to}`,
    origin: j.origin,
    exprs: [j.sql],
  }));
  // A cube built by SQL over a guarded table answers for itself: it must declare row rules too.
  const ownRules = (cube.accessPolicies ?? []).some((p) => p.rowFilters.length > 0);
  const source =
    cube.source.kind === 'sql' && !ownRules
      ? [{ owner: `${cube.name} sql`, origin: cube.origin, exprs: [cube.source.sql] }]
      : [];
  return [...members, ...measures, ...joins, ...source].flatMap((o) =>
    o.exprs.map((expr) => ({ owner: o.owner, origin: o.origin, expr })),
  );
}

/**
 * Model SQL that names the table of a cube with row-level rules (a subquery over
 * fact_interactions, say) would read rows those rules hide; it must write `{TABLE cube}`, which
 * the compiler wraps in the rules. (A cube whose own SQL reads such a table must declare row-level
 * rules of its own.)
 */
export function checkRawTableReads(model: Model, problems: Problem[]): void {
  const guarded = [...model.cubes.values()].flatMap((c) =>
    c.source.kind === 'table' && (c.accessPolicies ?? []).some((p) => p.rowFilters.length > 0)
      ? [
          {
            cube: c.name,
            table: c.source.path.at(-1)!,
            pattern: new RegExp(`\\b${c.source.path.at(-1)}\\b`, 'i'),
          },
        ]
      : [],
  );
  for (const cube of model.cubes.values()) {
    for (const { owner, origin, expr } of expressionsOf(cube)) {
      for (const g of guarded) {
        if (expr.parts.some((p) => p.kind === 'text' && g.pattern.test(p.text)))
          problems.push({
            ...origin,
            field: owner,
            message: `reads table ${g.table}, which has row-level access rules (cube ${g.cube}); write {TABLE ${g.cube}} so they apply`,
          });
      }
    }
  }
}
