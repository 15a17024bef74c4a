import type { Row } from '../api-types';
import { ApiError, postJson } from '../core/api';
import { h, replace } from '../core/dom';
import { formatNumber } from '../core/format';
import { type InsightQuery, requestBody } from './state';

/** What POST /v1/segments answers (the fields shown here). */
interface SavedSegment {
  segment_id: string;
  name: string;
  member_count: number;
}

/** The path of a row as the CSV gives it ("visit → view_product") back into its steps. */
const stepsOf = (row: Row): string[] => String(row['path']).split(' → ');

/**
 * The POST /v1/segments body of one path row: the report's parameters as the page ran it (no
 * as_of, so a refresh reads the warehouse as it is then), the path and its breakdown value.
 */
export function pathSegmentBody(q: InsightQuery, row: Row, name: string): Record<string, unknown> {
  return {
    name,
    definition: {
      source: 'paths',
      params: requestBody(q),
      path: stepsOf(row),
      ...(q.breakdown ? { breakdown_value: row['breakdown'] ?? null } : {}),
    },
  };
}

/**
 * The inline form that names and saves a target group: `body` gives the POST /v1/segments body
 * for the name typed; the outcome (members saved, or the server's message) goes to `status`.
 */
export function saveForm(
  defaultName: string,
  body: (name: string) => Record<string, unknown>,
  status: HTMLElement,
  close: () => void,
): HTMLFormElement {
  const name = h('input', {
    name: 'name',
    required: true,
    maxlength: '200',
    'aria-label': 'Target group name',
    value: defaultName,
  });
  const submit = h('button', { type: 'submit', class: 'button primary small' }, 'Save');
  const form = h(
    'form',
    { class: 'segment-form' },
    name,
    h(
      'div',
      { class: 'form-actions' },
      submit,
      h('button', { type: 'button', class: 'button small', on: { click: close } }, 'Cancel'),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    status.className = 'segment-status';
    status.textContent = 'Saving…';
    try {
      const saved = await postJson<SavedSegment>('/v1/segments', body(name.value.trim()));
      status.className = 'segment-status is-success';
      replace(
        status,
        `Saved “${saved.name}”: ${formatNumber(saved.member_count, 'integer')} customers (anonymous visitors are not customers and are not saved). `,
        h('a', { href: `/target-groups?search=${encodeURIComponent(saved.name)}` }, 'Open in target groups'),
      );
      close();
    } catch (err) {
      status.className = 'segment-status is-error';
      status.textContent = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
      submit.disabled = false;
    }
  });
  return form;
}

/**
 * Under a paths report: each path with "Save as target group", which saves the known customers
 * of the sessions that took it. Anonymous and session actors are no customers: only a note.
 */
export function savePathsSection(q: InsightQuery, rows: readonly Row[]): HTMLElement {
  const section = h(
    'section',
    { class: 'insight-save-paths', 'aria-label': 'Save a path as a target group' },
    h('h2', {}, 'Save a path as a target group'),
  );
  if (q.actor === 'anonymous' || q.actor === 'session') {
    section.append(
      h(
        'p',
        { class: 'muted' },
        'Anonymous visitors and sessions are not customers: count by person or customer to save a path.',
      ),
    );
    return section;
  }
  section.append(
    h(
      'p',
      { class: 'muted' },
      'A target group holds the known customers whose session took the path; anonymous visitors are left out.',
    ),
  );
  const items = rows.map((row) => {
    const status = h('p', { class: 'segment-status', role: 'status' });
    const actions = h('div', { class: 'selection-actions' });
    const showButton = () =>
      replace(
        actions,
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            'aria-label': `Save ${String(row['path'])} as target group`,
            on: {
              click: () => {
                replace(
                  actions,
                  saveForm(
                    `Path ${String(row['path'])}`,
                    (name) => pathSegmentBody(q, row, name),
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
    return h(
      'li',
      { class: 'save-path' },
      h(
        'span',
        { class: 'save-path-label' },
        q.breakdown ? `${String(row['breakdown'] ?? '(none)')}: ` : '',
        h('strong', {}, String(row['path'])),
        ` · ${formatNumber(row['sessions'], 'integer')} sessions`,
      ),
      actions,
      status,
    );
  });
  section.append(h('ol', { class: 'save-paths' }, ...items));
  return section;
}
