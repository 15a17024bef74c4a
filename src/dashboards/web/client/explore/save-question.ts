import type { CubeQuery } from '../api-types';
import { ApiError } from '../core/api';
import { h } from '../core/dom';
import { type Question, questionsApi } from '../questions/question-api';

export interface SaveQuestionOptions {
  /** The question Explore opened (`?question=ID`), which "Save" changes; undefined for a new one. */
  readonly opened?: Question;
  readonly query: () => CubeQuery;
  readonly chart: () => Record<string, unknown>;
  /** Told the question saved, so the page's address can name it. */
  readonly saved: (q: Question) => void;
}

/**
 * Explore's "Save question": a name and a description, saved with the query and the chart
 * settings. An opened question is saved in place (its owner or an admin) or as a new one.
 */
export function saveQuestionControl(options: SaveQuestionOptions): HTMLElement {
  let current = options.opened;
  const name = h('input', {
    type: 'text',
    name: 'question-name',
    placeholder: 'Name',
    'aria-label': 'Question name',
    required: true,
    value: current?.name ?? '',
  });
  const description = h('input', {
    type: 'text',
    name: 'question-description',
    placeholder: 'Description (optional)',
    'aria-label': 'Question description',
    value: current?.description ?? '',
  });
  const status = h('span', { class: 'muted small save-status', role: 'status' });
  const asNew = h(
    'button',
    { type: 'button', class: 'button', hidden: current === undefined },
    'Save as new',
  );
  const form = h(
    'form',
    { class: 'save-question', hidden: true, 'aria-label': 'Save question' },
    name,
    description,
    h('button', { type: 'submit', class: 'button primary' }, 'Save'),
    asNew,
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'button',
      on: {
        click: () => {
          form.hidden = !form.hidden;
          if (!form.hidden) name.focus();
        },
      },
    },
    current ? 'Save question…' : 'Save as question…',
  );

  async function save(inPlace: boolean) {
    const body = {
      name: name.value.trim(),
      description: description.value.trim() || null,
      query: options.query() as Record<string, unknown>,
      chart: options.chart(),
    };
    if (!body.name) {
      status.textContent = 'Give the question a name.';
      name.focus();
      return;
    }
    try {
      const q =
        inPlace && current ? await questionsApi.update(current.id, body) : await questionsApi.create(body);
      if (!q) return;
      current = q;
      asNew.hidden = false;
      toggle.textContent = 'Save question…';
      status.textContent = `Saved "${q.name}".`;
      form.hidden = true;
      options.saved(q);
    } catch (e) {
      status.textContent = `Not saved: ${e instanceof ApiError || e instanceof Error ? e.message : String(e)}`;
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save(true);
  });
  asNew.addEventListener('click', () => void save(false));
  return h('div', { class: 'save-question-control' }, toggle, form, status);
}
