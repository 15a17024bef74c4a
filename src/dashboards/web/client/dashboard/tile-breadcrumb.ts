import { h } from '../core/dom';
import { formatTime, granularityOf } from '../core/format';
import type { DrillValue } from './drill-state';

/** A drill step's value as its crumb reads: a time bucket at its granularity, "(unknown)" for none. */
export function crumbLabel(step: DrillValue): string {
  if (step.value === null) return '(unknown)';
  const g = granularityOf(step.member);
  return g ? formatTime(step.value, g) : step.value;
}

/** "All › Western Europe › Germany": every crumb but the last goes back up to its level. */
export function tileBreadcrumb(path: readonly DrillValue[], goTo: (depth: number) => void): HTMLElement {
  const labels = ['All', ...path.map(crumbLabel)];
  return h(
    'nav',
    { class: 'tile-breadcrumb', 'aria-label': 'Drill-down' },
    labels.flatMap((label, depth) => [
      depth > 0 ? h('span', { class: 'crumb-separator', 'aria-hidden': 'true' }, '›') : null,
      depth === labels.length - 1
        ? h('span', { class: 'crumb is-current', 'aria-current': 'location' }, label)
        : h(
            'button',
            {
              type: 'button',
              class: 'crumb',
              dataset: { depth: String(depth) },
              on: { click: () => goTo(depth) },
            },
            label,
          ),
    ]),
  );
}
