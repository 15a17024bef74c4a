import type { Cube, Dimension, Measure, Model } from './types';

/** `/v1/meta` in the shape of Cube's `/meta`, which `@cubejs-client/core`'s Meta reads. */
export interface CubeMeta {
  readonly cubes: readonly unknown[];
}

function drillMembersGrouped(model: Model, m: Measure) {
  const names = m.drillMembers.map((d) => (d.includes('.') ? d : `${m.cube}.${d}`));
  return {
    drillMembers: names,
    drillMembersGrouped: {
      measures: [],
      dimensions: names.filter((n) => {
        const [c, d] = n.split('.');
        return model.cubes.get(c!)?.dimensions.has(d!) ?? false;
      }),
    },
  };
}

export function measureAnnotation(model: Model, m: Measure) {
  return {
    title: m.title,
    shortTitle: m.shortTitle,
    type: 'number',
    ...(m.format ? { format: m.format } : {}),
    ...(m.unit ? { unit: m.unit } : {}),
    better: m.better,
    ...(m.description ? { description: m.description } : {}),
    ...drillMembersGrouped(model, m),
  };
}

export function dimensionAnnotation(d: Dimension) {
  return {
    title: d.title,
    shortTitle: d.shortTitle,
    type: d.type,
    ...(d.format ? { format: d.format } : {}),
    ...(d.labels ? { labels: d.labels } : {}),
    ...(d.type === 'string' ? { humanize: d.humanize } : {}),
    ...(d.description ? { description: d.description } : {}),
  };
}

function cubeMeta(model: Model, cube: Cube) {
  const allowed = (name: string) => !model.access?.hidden.has(name);
  const visible = <T extends { public: boolean; fullName: string }>(xs: Iterable<T>) =>
    [...xs].filter((x) => x.public && allowed(x.fullName));
  return {
    name: cube.name,
    title: cube.title,
    type: 'cube',
    ...(cube.description ? { description: cube.description } : {}),
    isVisible: cube.public,
    public: cube.public,
    measures: visible(cube.measures.values()).map((m) => ({
      name: m.fullName,
      ...measureAnnotation(model, m),
      aggType: m.type,
      cumulative: false,
      cumulativeTotal: false,
      isVisible: true,
      public: true,
    })),
    dimensions: visible(cube.dimensions.values()).map((d) => ({
      name: d.fullName,
      ...dimensionAnnotation(d),
      primaryKey: d.primaryKey,
      suggestFilterValues: true,
      isVisible: true,
      public: true,
    })),
    segments: visible(cube.segments.values()).map((s) => ({
      name: s.fullName,
      title: s.title,
      shortTitle: s.shortTitle,
      ...(s.description ? { description: s.description } : {}),
      isVisible: true,
      public: true,
    })),
    hierarchies: [...cube.hierarchies.values()]
      .filter((h) => h.levels.every(allowed))
      .map((h) => ({
        name: h.fullName,
        title: h.title,
        levels: h.levels,
      })),
    folders: [],
    joins: cube.joins.map((j) => ({ name: j.to, relationship: j.relationship })),
  };
}

export function modelMeta(model: Model): CubeMeta {
  return {
    cubes: [...model.cubes.values()]
      .filter((c) => c.public)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => cubeMeta(model, c)),
  };
}
