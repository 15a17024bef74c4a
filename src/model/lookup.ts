import { AppError } from '../errors';
import type { Cube, Dimension, Measure, Model, Segment } from './types';

export type FoundMember =
  | { readonly kind: 'measure'; readonly cube: Cube; readonly member: Measure }
  | { readonly kind: 'dimension'; readonly cube: Cube; readonly member: Dimension }
  | { readonly kind: 'segment'; readonly cube: Cube; readonly member: Segment };

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** Public and not hidden from the user the model is restricted to. */
function visible(model: Model, m: { public: boolean; fullName: string }): boolean {
  return m.public && !model.access?.hidden.has(m.fullName);
}

/** Every public member name of a kind, for suggestions and meta. */
export function memberNames(model: Model, kind?: FoundMember['kind']): string[] {
  const names: string[] = [];
  for (const c of model.cubes.values()) {
    if (!kind || kind === 'measure')
      for (const m of c.measures.values()) if (visible(model, m)) names.push(m.fullName);
    if (!kind || kind === 'dimension')
      for (const m of c.dimensions.values()) if (visible(model, m)) names.push(m.fullName);
    if (!kind || kind === 'segment')
      for (const m of c.segments.values()) if (visible(model, m)) names.push(m.fullName);
  }
  return names;
}

function suggestion(model: Model, name: string, kind?: FoundMember['kind']): string {
  const best = memberNames(model, kind)
    .map((n) => ({ n, d: distance(n, name) }))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .filter((x) => x.d <= Math.max(3, Math.floor(name.length / 3)))
    .slice(0, 3)
    .map((x) => x.n);
  return best.length > 0 ? `; did you mean ${best.join(', ')}?` : '';
}

/**
 * A key of a JSON object dimension read as a dimension of its own: `properties.plan`, or
 * `properties.utm.source` for a nested object. Keys are as the data has them (`$browser` too),
 * except that a dot separates levels; a key never reaches SQL as text, only in a bound path.
 */
function jsonKeyDimension(cube: Cube, short: string, name: string, where: string): Dimension | undefined {
  const dot = short.indexOf('.');
  const parent = dot > 0 ? cube.dimensions.get(short.slice(0, dot)) : undefined;
  if (!parent?.json) return undefined;
  const path = short.slice(dot + 1).split('.');
  const bad = path.find((k) => k.length === 0 || k.length > 200 || hasQuoteOrControl(k));
  if (bad !== undefined) {
    throw new AppError(
      'UNKNOWN_MEMBER',
      `"${name}" in ${where}: a property key is 1 to 200 characters without quotes, backslashes or control characters`,
      { member: name, where },
    );
  }
  const key = path.join('.');
  return {
    ...parent,
    name: short,
    fullName: `${cube.name}.${short}`,
    title: `${parent.title}: ${key}`,
    shortTitle: key,
    description: `The "${key}" property of ${parent.fullName}`,
    sql: {
      source: `${parent.sql.source} -> ${key}`,
      parts: [{ kind: 'json_text', of: parent.sql.parts, path }],
    },
    primaryKey: false,
    json: false,
    jsonParent: parent.name,
    labels: undefined,
    // Property values are shown as the data has them (PostHog does the same).
    humanize: false,
  };
}

function hasQuoteOrControl(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || key[i] === '"' || key[i] === '\\') return true;
  }
  return false;
}

/** `cube.member`, or `cube.json_dimension.key…`: the cube's name and the rest. */
function splitName(name: string): [string, string] | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** Finds a member by `cube.member`; a user's unknown name is UNKNOWN_MEMBER with suggestions. */
export function findMember(
  model: Model,
  name: string,
  expected?: FoundMember['kind'],
  where = 'query',
): FoundMember {
  const split = splitName(name);
  const cube = split ? model.cubes.get(split[0]) : undefined;
  const short = split?.[1] ?? '';
  const jsonKey = cube && short.includes('.') ? jsonKeyDimension(cube, short, name, where) : undefined;
  const found: FoundMember | undefined = jsonKey
    ? { kind: 'dimension', cube: cube!, member: jsonKey }
    : !cube || short.includes('.')
      ? undefined
      : cube.measures.has(short)
        ? { kind: 'measure', cube, member: cube.measures.get(short)! }
        : cube.dimensions.has(short)
          ? { kind: 'dimension', cube, member: cube.dimensions.get(short)! }
          : cube.segments.has(short)
            ? { kind: 'segment', cube, member: cube.segments.get(short)! }
            : undefined;
  if (!found?.member.public) {
    const what = expected ?? 'member';
    throw new AppError(
      'UNKNOWN_MEMBER',
      `unknown ${what} "${name}" in ${where}${suggestion(model, name, expected)}`,
      {
        member: name,
        where,
      },
    );
  }
  const guarded =
    found.kind === 'dimension' && found.member.jsonParent
      ? `${found.cube.name}.${found.member.jsonParent}`
      : found.member.fullName;
  if (model.access?.hidden.has(guarded)) {
    throw new AppError('MEMBER_FORBIDDEN', `${name} in ${where} is not visible to this user`, {
      member: name,
      where,
    });
  }
  if (expected && found.kind !== expected) {
    throw new AppError('UNKNOWN_MEMBER', `"${name}" in ${where} is a ${found.kind}, not a ${expected}`, {
      member: name,
      where,
    });
  }
  return found;
}

export function findMeasure(model: Model, name: string, where = 'measures'): Measure {
  return findMember(model, name, 'measure', where).member as Measure;
}

export function findDimension(model: Model, name: string, where = 'dimensions'): Dimension {
  return findMember(model, name, 'dimension', where).member as Dimension;
}

export function findSegment(model: Model, name: string, where = 'segments'): Segment {
  return findMember(model, name, 'segment', where).member as Segment;
}
