import type { Annotation, Field } from '../api-types';

export interface ResultColumns {
  readonly fields: Field[];
  /** The time bucket column (`cube.time.granularity`), if the query has one. */
  readonly time?: Field;
  readonly dimensions: Field[];
  readonly measures: Field[];
}

/** A query result's columns, typed from its annotation: time bucket, dimensions, then measures. */
export function resultColumns(annotation: Annotation): ResultColumns {
  const time = Object.entries(annotation.timeDimensions)
    .filter(([, a]) => a.granularity !== undefined)
    .map(([name, a]): Field => ({ name, title: a.shortTitle, kind: 'temporal' }));
  const dimensions = Object.entries(annotation.dimensions).map(
    ([name, a]): Field => ({
      name,
      title: a.shortTitle,
      kind: a.type === 'number' ? 'quantitative' : a.type === 'time' ? 'temporal' : 'nominal',
      format: a.format,
      ...(a.labels ? { labels: a.labels } : {}),
      ...(a.humanize ? { humanize: true } : {}),
    }),
  );
  const measures = Object.entries(annotation.measures).map(
    ([name, a]): Field => ({
      name,
      title: a.shortTitle,
      kind: 'quantitative',
      format: a.format,
      ...(a.unit ? { unit: a.unit } : {}),
    }),
  );
  return { fields: [...time, ...dimensions, ...measures], time: time[0], dimensions, measures };
}
