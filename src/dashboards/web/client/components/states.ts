import { h } from '../core/dom';

/** A grey placeholder while data loads. */
export function loadingState(label = 'Loading…'): HTMLElement {
  return h(
    'div',
    { class: 'state state-loading', role: 'status', 'aria-label': label },
    h('div', { class: 'skeleton' }),
  );
}

export function emptyState(message = 'No data for these filters'): HTMLElement {
  return h('div', { class: 'state state-empty' }, h('p', {}, message));
}

/** An API error in place: its code, then its message. */
export function errorState(code: string, message: string): HTMLElement {
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('p', { class: 'error-code' }, code),
    h('p', { class: 'error-message' }, message),
  );
}
