import type { CustomerDetail } from '../api-types';
import { h } from '../core/dom';
import { formatNumber } from '../core/format';

function score(label: string, value: number, detail: string): HTMLElement {
  return h(
    'div',
    { class: 'score' },
    h('span', { class: 'score-letter' }, label),
    h('span', { class: `score-value s${value}` }, String(value)),
    h('span', { class: 'muted small' }, detail),
  );
}

function fact(label: string, value: string, title?: string): HTMLElement {
  return h('div', { class: 'fact', ...(title ? { title } : {}) }, h('dt', {}, label), h('dd', {}, value));
}

const plural = (n: number, unit: string) => `${n} ${n === 1 ? unit : `${unit}s`}`;

/**
 * The CLV report's answer: P(alive) (BG/NBD), purchases expected over the horizon, the expected
 * value of a purchase (Gamma-Gamma) and the customer's value over the horizon.
 */
function valueBlock(d: CustomerDetail): HTMLElement {
  const v = d.clv;
  if (!v) return h('p', { class: 'muted' }, 'Not valued: no completed orders before the reference date.');
  const horizon = plural(v.horizon, v.unit);
  return h(
    'dl',
    { class: 'facts customer-value', 'aria-label': 'Customer value' },
    fact(
      'P(alive)',
      formatNumber(v.p_alive, 'percent'),
      v.frequency === 0
        ? 'No repeat purchase yet: under BG/NBD a customer can only drop out after a repeat purchase'
        : `Probability the customer still buys (BG/NBD), ${formatNumber(v.frequency, 'integer')} repeat purchase days`,
    ),
    fact(`Expected purchases, next ${horizon}`, formatNumber(v.expected_purchases, 'number')),
    fact('Expected value per purchase', formatNumber(v.expected_avg_value, 'currency'), 'Gamma-Gamma'),
    fact(`CLV, next ${horizon}`, formatNumber(v.clv, 'currency')),
  );
}

/** RFM cell and segment, k-means cluster, customer value, and the saved target groups the customer is in. */
export function scoresPanel(d: CustomerDetail): HTMLElement {
  const rfm = d.rfm;
  return h(
    'section',
    { class: 'panel scores', 'aria-label': 'Scores and segments' },
    h('h2', { class: 'panel-title' }, 'RFM'),
    rfm
      ? h(
          'div',
          { class: 'rfm' },
          h(
            'p',
            { class: 'rfm-head' },
            h('span', { class: 'rfm-cell', title: 'Recency, frequency and monetary scores' }, rfm.cell),
            h('span', { class: 'chip rfm-segment' }, rfm.segment),
          ),
          h(
            'div',
            { class: 'score-row' },
            score(
              'R',
              rfm.r,
              `${formatNumber(rfm.recency_days, 'integer')} ${rfm.recency_days === 1 ? 'day' : 'days'} since the last order`,
            ),
            score('F', rfm.f, `${formatNumber(rfm.frequency, 'integer')} orders`),
            score('M', rfm.m, formatNumber(rfm.monetary, 'currency')),
          ),
        )
      : h('p', { class: 'muted' }, 'Not scored: no completed orders before the reference date.'),
    h('h2', { class: 'panel-title' }, 'Cluster'),
    d.cluster
      ? h(
          'p',
          { class: 'cluster', title: 'The k-means clustering the Marketing segments dashboard shows' },
          h('span', { class: 'chip neutral' }, d.cluster.label),
          h('span', { class: 'muted' }, ` cluster ${d.cluster.cluster} of ${d.cluster.k}`),
        )
      : h('p', { class: 'muted' }, 'Not in a cluster.'),
    h('h2', { class: 'panel-title' }, 'Customer value'),
    valueBlock(d),
    h('h2', { class: 'panel-title' }, 'Target groups'),
    d.segments.length > 0
      ? h(
          'ul',
          { class: 'chips segment-list' },
          d.segments.map((s) => h('li', { class: 'chip neutral', title: s.segment_id }, s.name)),
        )
      : h('p', { class: 'muted' }, 'In no saved target group.'),
  );
}
