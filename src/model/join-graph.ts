import type { Cube, JoinEdge } from './types';

/** Directed edges toward the "one" side: many_to_one and one_to_one as declared, one_to_many reversed. */
export function joinEdges(cubes: ReadonlyMap<string, Cube>): Map<string, JoinEdge[]> {
  const edges = new Map<string, JoinEdge[]>([...cubes.keys()].map((c) => [c, []]));
  for (const cube of cubes.values()) {
    for (const join of cube.joins) {
      const edge =
        join.relationship === 'one_to_many'
          ? { from: join.to, to: join.from, join }
          : { from: join.from, to: join.to, join };
      edges.get(edge.from)?.push(edge);
    }
  }
  return edges;
}

/** Every directed path from `from` to each reachable cube (more than one means ambiguity). */
export function pathsFrom(
  edges: ReadonlyMap<string, readonly JoinEdge[]>,
  from: string,
  limit = 2,
): Map<string, JoinEdge[][]> {
  const paths = new Map<string, JoinEdge[][]>();
  const walk = (at: string, path: JoinEdge[], seen: Set<string>) => {
    for (const e of edges.get(at) ?? []) {
      if (seen.has(e.to)) continue;
      const next = [...path, e];
      const list = paths.get(e.to) ?? [];
      if (list.length >= limit) continue;
      list.push(next);
      paths.set(e.to, list);
      walk(e.to, next, new Set([...seen, e.to]));
    }
  };
  walk(from, [], new Set([from]));
  return paths;
}

/** The unique join path from `from` to `to` following many-to-one edges, or undefined. */
export function joinPath(
  edges: ReadonlyMap<string, readonly JoinEdge[]>,
  from: string,
  to: string,
): readonly JoinEdge[] | undefined {
  if (from === to) return [];
  const found = pathsFrom(edges, from, 1).get(to);
  return found?.[0];
}
