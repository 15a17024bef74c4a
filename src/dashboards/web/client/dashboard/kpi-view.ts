import type { KpiComparison, TileResult } from '../api-types';
import { h } from '../core/dom';
import { formatDelta, formatNumber } from '../core/format';

const LABELS: Readonly<Record<string, string>> = {
  previous_period: 'vs previous period',
  previous_year: 'vs previous year',
};

function comparison(c: KpiComparison, format?: string): HTMLElement {
  const label = LABELS[c.kind] ?? `vs ${c.kind.replaceAll('_', ' ')}`;
  if (c.delta === null) {
    return h(
      'li',
      { class: 'kpi-delta is-na', dataset: { kind: c.kind } },
      h('span', { class: 'delta-value' }, 'n/a'),
      h('span', { class: 'delta-label' }, label),
    );
  }
  const direction = c.delta > 0 ? 'up' : c.delta < 0 ? 'down' : 'flat';
  const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■';
  return h(
    'li',
    {
      class: ['kpi-delta', `is-${direction}`],
      dataset: { kind: c.kind },
      title: `${label}: ${formatNumber(c.value, format)}`,
    },
    h('span', { class: 'delta-value' }, `${arrow} ${formatDelta(c.delta)}`),
    h('span', { class: 'delta-label' }, label),
  );
}

/** A KPI: the big formatted value and its change against earlier periods. */
export function kpiView(tile: TileResult): HTMLElement {
  const kpi = tile.kpi ?? { value: null, comparisons: [] };
  return h(
    'div',
    { class: 'kpi' },
    h(
      'p',
      { class: 'kpi-value', dataset: { value: String(kpi.value) } },
      formatNumber(kpi.value, kpi.format),
    ),
    kpi.comparisons.length > 0
      ? h(
          'ul',
          { class: 'kpi-deltas' },
          kpi.comparisons.map((c) => comparison(c, kpi.format)),
        )
      : null,
  );
}
