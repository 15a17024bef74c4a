import type { Row } from '../api-types';
import { h, replace } from '../core/dom';
import { option } from './form';
import { saveForm } from './save-path';
import { type InsightQuery, requestBody } from './state';
import { longDate } from './words';

type Which = 'returned' | 'not_returned';

/** The POST /v1/segments body of a retention cohort's customers who came back at an offset, or did not. */
export function retentionSegmentBody(
  q: InsightQuery,
  cohort: string,
  offset: number,
  which: Which,
  name: string,
): Record<string, unknown> {
  return { name, definition: { source: 'retention', params: requestBody(q), cohort, offset, which } };
}

/**
 * Under a retention table: pick a cohort, a period after it and returned or not, and save those
 * customers. The report saves the whole cohort (every breakdown value together).
 */
export function saveRetentionSection(q: InsightQuery, rows: readonly Row[]): HTMLElement {
  const cohorts = [...new Set(rows.map((r) => String(r['cohort'])))].sort();
  const offsets = Math.max(1, ...rows.map((r) => Number(r['period_offset']) || 0));
  const section = h(
    'section',
    { class: 'insight-save-paths insight-save-retention', 'aria-label': 'Save a cohort as a target group' },
    h('h2', {}, 'Save a cohort as a target group'),
  );
  if (q.actor === 'anonymous' || q.actor === 'session') {
    section.append(
      h(
        'p',
        { class: 'muted' },
        'Anonymous visitors and sessions are not customers: count persons or customers to save a cohort.',
      ),
    );
    return section;
  }
  const cohort = h(
    'select',
    { name: 'save_cohort', 'aria-label': 'Cohort' },
    cohorts.map((c, i) => option(c, longDate(c), i === 0)),
  );
  const offset = h(
    'select',
    { name: 'save_offset', 'aria-label': `${q.interval}s after` },
    Array.from({ length: offsets }, (_, i) =>
      option(String(i + 1), `${i + 1} ${q.interval}${i === 0 ? '' : 's'} later`, i === 0),
    ),
  );
  const which = h(
    'select',
    { name: 'save_which', 'aria-label': 'Returned or not' },
    option('returned', `came back (${q.events[1] ?? ''})`, true),
    option('not_returned', 'did not come back', false),
  );
  const status = h('p', { class: 'segment-status', role: 'status' });
  const actions = h('div', { class: 'selection-actions' });
  const showButton = () =>
    replace(
      actions,
      h(
        'button',
        {
          type: 'button',
          class: 'button small save-cohort',
          on: {
            click: () => {
              const name = `Cohort ${cohort.value}: ${which.value === 'returned' ? 'came back' : 'did not come back'} ${offset.value} ${q.interval}(s) later`;
              replace(
                actions,
                saveForm(
                  name,
                  (n) => retentionSegmentBody(q, cohort.value, Number(offset.value), which.value as Which, n),
                  status,
                  showButton,
                ),
              );
              actions.querySelector('input')?.select();
            },
          },
        },
        'Save as target group',
      ),
    );
  showButton();
  section.append(
    h(
      'p',
      { class: 'muted' },
      `The known customers of the cohort${q.breakdown ? ' (every breakdown value together)' : ''}; anonymous visitors are left out.`,
    ),
    h(
      'div',
      { class: 'save-cohort-row' },
      'Customers of the cohort of ',
      cohort,
      ' who ',
      which,
      ' ',
      offset,
      actions,
    ),
    status,
  );
  return section;
}
