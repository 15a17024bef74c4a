import type { CustomerDetail } from '../api-types';
import { h } from '../core/dom';
import { formatNumber, formatTime } from '../core/format';

type Kind = 'currency' | 'integer' | 'number' | 'date';

/** The KPIs shown, in order; keys the API does not send are left out. */
const KPIS: readonly [key: string, label: string, kind: Kind][] = [
  ['revenue', 'Revenue', 'currency'],
  ['orders', 'Completed orders', 'integer'],
  ['average_order_value', 'Average order value', 'currency'],
  ['first_order_at', 'First order', 'date'],
  ['last_order_at', 'Last order', 'date'],
  ['open_receivables', 'Open receivables', 'currency'],
  ['overdue_receivables', 'Overdue', 'currency'],
  ['open_pipeline', 'Open pipeline', 'currency'],
  ['open_tickets', 'Open tickets', 'integer'],
  ['average_satisfaction', 'Satisfaction', 'number'],
];

function shown(value: unknown, kind: Kind): string {
  if (value === null || value === undefined) return '—';
  return kind === 'date' ? formatTime(value, 'day') : formatNumber(value, kind);
}

/** The customer's key figures as a row of small cards. */
export function kpiStrip(d: CustomerDetail): HTMLElement {
  return h(
    'section',
    { class: 'kpi-strip', 'aria-label': 'Key figures' },
    KPIS.filter(([key]) => key in d.kpis).map(([key, label, kind]) =>
      h(
        'div',
        { class: 'panel kpi-card', dataset: { kpi: key } },
        h('p', { class: 'kpi-label' }, label),
        h('p', { class: 'kpi-figure' }, shown(d.kpis[key], kind)),
      ),
    ),
  );
}
