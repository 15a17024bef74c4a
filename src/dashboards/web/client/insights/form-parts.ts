import { h } from '../core/dom';

/**
 * The controls the insight form and its per-insight options share (their own file, so that the
 * options module does not import the form that imports it).
 */

export const EVENT_LIST_ID = 'insight-event-list';
export const BREAKDOWN_LIST_ID = 'insight-breakdown-list';

export const option = (value: string, label: string, selected: boolean) =>
  h('option', { value, selected: selected || undefined }, label);

export const field = (label: string, control: HTMLElement, name: string) =>
  h(
    'label',
    { class: 'insight-field', dataset: { field: name } },
    h('span', { class: 'field-label' }, label),
    control,
  );
