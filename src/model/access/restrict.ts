import { splitMemberName } from '../names';
import type { Cube, Dimension, Measure, Model, ModelExpr, Segment } from '../types';
import type { AccessPolicy, AccessRestriction, PolicyValue, ScopedRowFilter, SecurityContext } from './types';

function matches(p: AccessPolicy, user: SecurityContext): boolean {
  if (!p.roles.includes('*') && !p.roles.includes(user.role)) return false;
  return p.conditions.every((c) => {
    const set = (user.attributes[c.attribute] ?? '') !== '';
    return c.negated ? !set : set;
  });
}

function hiddenOf(cube: Cube, policies: readonly AccessPolicy[]): string[] {
  const names = [...cube.measures.keys(), ...cube.dimensions.keys(), ...cube.segments.keys()];
  return names
    .filter((n) =>
      policies.some(
        (p) => p.excludes.includes('*') || p.excludes.includes(n) || (p.includes && !p.includes.includes(n)),
      ),
    )
    .map((n) => `${cube.name}.${n}`);
}

function rowFiltersOf(policies: readonly AccessPolicy[], user: SecurityContext): ScopedRowFilter[] {
  return policies.flatMap((p) =>
    p.rowFilters.map((f): ScopedRowFilter => {
      const [c, m] = splitMemberName(f.member)!;
      const value = (v: PolicyValue) => (v.kind === 'literal' ? v.value : user.attributes[v.attribute]);
      // A filter reading an attribute the user lacks matches no row, whatever its operator.
      if (f.values.some((v) => (value(v) ?? '') === '')) {
        return { cube: c, dimension: m, operator: 'equals', values: [] };
      }
      return { cube: c, dimension: m, operator: f.operator, values: f.values.map((v) => value(v)!) };
    }),
  );
}

function exprsOf(m: Measure | Dimension | Segment): ModelExpr[] {
  if (m.kind === 'measure') return [...(m.sql ? [m.sql] : []), ...m.filters];
  return [m.sql];
}

/**
 * Adds the members whose SQL reads a hidden member (`{email}`, `{customers.email}`), until none
 * is left: a segment or measure over a hidden column would otherwise reveal it.
 */
function hideDependents(model: Model, hidden: Set<string>): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const cube of model.cubes.values()) {
      for (const m of [...cube.dimensions.values(), ...cube.measures.values(), ...cube.segments.values()]) {
        if (hidden.has(m.fullName)) continue;
        const reads = exprsOf(m).some((e) =>
          e.parts.some((p) => p.kind === 'member' && hidden.has(`${p.cube}.${p.member}`)),
        );
        if (reads) {
          hidden.add(m.fullName);
          changed = true;
        }
      }
    }
  }
}

/**
 * The model as one user may use it: members their matching policies hide, and per cube the row
 * conditions the SQL compiler adds wherever the cube's table is read. A user no policy restricts
 * gets the model itself.
 */
export function restrictModel(model: Model, user: SecurityContext): Model {
  const hidden: string[] = [];
  const rows = new Map<string, ScopedRowFilter[]>();
  for (const cube of model.cubes.values()) {
    const policies = (cube.accessPolicies ?? []).filter((p) => matches(p, user));
    if (policies.length === 0) continue;
    hidden.push(...hiddenOf(cube, policies));
    const filters = rowFiltersOf(policies, user);
    if (filters.length > 0) rows.set(cube.name, filters);
  }
  if (hidden.length === 0 && rows.size === 0) return model;
  const all = new Set(hidden);
  hideDependents(model, all);
  const key = JSON.stringify([
    [...all].sort(),
    [...rows].map(([c, fs]) => [c, fs.map((f) => [`${f.cube}.${f.dimension}`, f.operator, f.values])]),
  ]);
  const access: AccessRestriction = { key, hidden: all, rows };
  return { ...model, access };
}
