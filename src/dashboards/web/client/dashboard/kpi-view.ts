import type { Kpi, KpiComparison, TileResult } from '../api-types';
import { h } from '../core/dom';
import { formatCompact, formatDelta, formatNumber, withUnit } from '../core/format';

const KIND_LABEL: Readonly<Record<string, string>> = {
  previous_period: 'previous period',
  previous_year: 'a year earlier',
};

/** One change against an earlier window: its arrow, sign and colour, or n/a with the reason. */
function comparison(c: KpiComparison, kpi: Kpi): HTMLElement {
  const against = `vs ${c.window.label}`;
  const what = KIND_LABEL[c.kind] ?? c.kind.replaceAll('_', ' ');
  if (c.delta === null) {
    return h(
      'li',
      {
        class: 'kpi-delta is-na',
        dataset: { kind: c.kind, tone: 'neutral' },
        title: `${what} (${c.window.label}): ${c.reason ?? 'no comparison'}`,
      },
      h('span', { class: 'delta-value' }, 'n/a'),
      h('span', { class: 'delta-label' }, against),
      c.reason ? h('span', { class: 'delta-reason' }, `(${c.reason})`) : null,
    );
  }
  const arrow = c.delta > 0 ? '▲' : c.delta < 0 ? '▼' : '■';
  return h(
    'li',
    {
      class: ['kpi-delta', `is-${c.tone}`],
      dataset: { kind: c.kind, tone: c.tone, delta: String(c.delta), unit: c.delta_unit },
      title: `${what} (${c.window.label}): ${withUnit(formatNumber(c.value, kpi.format), kpi.unit)}`,
    },
    h('span', { class: 'delta-value' }, `${arrow} ${formatDelta(c.delta, c.delta_unit)}`),
    h('span', { class: 'delta-label' }, against),
  );
}

/**
 * A KPI: the headline value (compact, exact in the tooltip, with its unit), the window it
 * covers, and its change against earlier windows, coloured by whether the change is good news.
 */
export function kpiView(tile: TileResult): HTMLElement {
  const kpi: Kpi = tile.kpi ?? { value: null, better: 'higher', comparisons: [] };
  const window = kpi.window;
  return h(
    'div',
    { class: 'kpi' },
    h(
      'p',
      {
        class: 'kpi-value',
        dataset: { value: String(kpi.value) },
        title: withUnit(formatNumber(kpi.value, kpi.format), kpi.unit),
      },
      formatCompact(kpi.value, kpi.format),
      kpi.unit && kpi.value !== null ? h('span', { class: 'kpi-unit' }, ` ${kpi.unit}`) : null,
    ),
    window
      ? h(
          'p',
          { class: 'kpi-window', dataset: { from: window.from, to: window.to } },
          window.to_date ? `${window.label} (to date)` : window.label,
          window.note ? h('span', { class: 'kpi-note' }, ` · ${window.note}`) : null,
        )
      : null,
    kpi.comparisons.length > 0
      ? h(
          'ul',
          { class: 'kpi-deltas' },
          kpi.comparisons.map((c) => comparison(c, kpi)),
        )
      : null,
  );
}
