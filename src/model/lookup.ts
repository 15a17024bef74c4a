import { AppError } from '../errors';
import { splitMemberName } from './names';
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

/** Finds a member by `cube.member`; a user's unknown name is UNKNOWN_MEMBER with suggestions. */
export function findMember(
  model: Model,
  name: string,
  expected?: FoundMember['kind'],
  where = 'query',
): FoundMember {
  const split = splitMemberName(name);
  const cube = split ? model.cubes.get(split[0]) : undefined;
  const short = split?.[1] ?? '';
  const found: FoundMember | undefined = !cube
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
  if (model.access?.hidden.has(found.member.fullName)) {
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
