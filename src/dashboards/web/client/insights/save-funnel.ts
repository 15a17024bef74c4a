import type { Row } from '../api-types';
import { h, replace } from '../core/dom';
import { formatNumber } from '../core/format';
import { saveForm } from './save-path';
import { type InsightQuery, requestBody } from './state';

type Which = 'reached' | 'dropped';

/**
 * The POST /v1/segments body of a funnel step's customers: the funnel as the page ran it, less
 * its extra views (they change no actor), the step and whether those who reached it or dropped
 * out after it.
 */
export function funnelSegmentBody(
  q: InsightQuery,
  step: number,
  which: Which,
  name: string,
): Record<string, unknown> {
  const {
    conversion_over_time: _o,
    time_to_convert_bins: _t,
    correlation: _c,
    correlation_properties: _p,
    ...params
  } = requestBody(q);
  return { name, definition: { source: 'funnel', params, step, which } };
}

/**
 * Under a funnel: per step, save its customers who reached it or dropped out after it (the
 * whole funnel's, every breakdown value together). Anonymous visitors are no customers.
 */
export function saveFunnelSection(q: InsightQuery, steps: readonly Row[]): HTMLElement {
  const section = h(
    'section',
    { class: 'insight-save-paths', 'aria-label': 'Save a step as a target group' },
    h('h2', {}, 'Save a step as a target group'),
  );
  if (q.actor === 'anonymous' || q.actor === 'session') {
    section.append(
      h(
        'p',
        { class: 'muted' },
        'Anonymous visitors and sessions are not customers: count persons or customers to save a step.',
      ),
    );
    return section;
  }
  section.append(
    h(
      'p',
      { class: 'muted' },
      `The known customers of the whole funnel${q.breakdown ? ' (every breakdown value together)' : ''}; anonymous visitors are left out.`,
    ),
  );
  const items = steps.map((row) => {
    const step = Number(row['step_index']);
    const last = step === steps.length;
    const status = h('p', { class: 'segment-status', role: 'status' });
    const actions = h('div', { class: 'selection-actions' });
    const button = (which: Which, label: string) =>
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          dataset: { which, step: String(step) },
          on: {
            click: () => {
              const name = `${which === 'reached' ? 'Reached' : 'Dropped after'} ${String(row['step'])} (funnel ${q.events.join(' → ')})`;
              replace(
                actions,
                saveForm(
                  name.slice(0, 200),
                  (n) => funnelSegmentBody(q, step, which, n),
                  status,
                  showButtons,
                ),
              );
              actions.querySelector('input')?.select();
            },
          },
        },
        label,
      );
    const showButtons = () =>
      replace(
        actions,
        button('reached', `Save ${formatNumber(row['customers'], 'integer')} who reached it`),
        last
          ? null
          : button(
              'dropped',
              `Save ${formatNumber(row['customers_dropped'], 'integer')} who dropped after it`,
            ),
      );
    showButtons();
    return h(
      'li',
      { class: 'save-path' },
      h('span', { class: 'save-path-label' }, `${step}. `, h('strong', {}, String(row['step']))),
      actions,
      status,
    );
  });
  section.append(h('ol', { class: 'save-paths' }, ...items));
  return section;
}
