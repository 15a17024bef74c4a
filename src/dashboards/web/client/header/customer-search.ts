import type { CustomerHit } from '../api-types';
import { customerHref } from '../components/data-table';
import { isAbort } from '../core/api';
import { searchCustomers } from '../core/customers-api';
import { debounce } from '../core/debounce';
import { h, replace } from '../core/dom';

function place(c: CustomerHit): string {
  return [c.customer_id, [c.city, c.country].filter(Boolean).join(', ')].filter(Boolean).join(' · ');
}

/**
 * Suggestions under a customer search box: up to eight customers as the user types; arrow keys
 * and Enter open one, Enter alone submits the form to the full results page.
 */
export function attachCustomerSuggestions(form: HTMLFormElement): void {
  const input = form.querySelector<HTMLInputElement>('input[name="search"]');
  if (!input) return;
  const list = h('ul', { class: 'suggestions', role: 'listbox', hidden: true });
  form.classList.add('has-suggestions');
  form.appendChild(list);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  let hits: CustomerHit[] = [];
  let active = -1;
  let request: AbortController | undefined;

  const close = () => {
    list.hidden = true;
    active = -1;
    input.setAttribute('aria-expanded', 'false');
  };
  const show = () => {
    replace(
      list,
      hits.map((c, i) =>
        h(
          'li',
          { role: 'option', 'aria-selected': String(i === active) },
          h(
            'a',
            { href: customerHref(c.customer_id), class: ['suggestion', i === active && 'is-active'] },
            h('span', { class: 'suggestion-name' }, c.name ?? c.customer_id),
            h('span', { class: 'suggestion-meta' }, place(c)),
          ),
        ),
      ),
    );
    list.hidden = hits.length === 0;
    input.setAttribute('aria-expanded', String(hits.length > 0));
  };
  const lookup = debounce(async (text: string) => {
    request?.abort();
    if (text.length < 2) {
      hits = [];
      return close();
    }
    request = new AbortController();
    try {
      hits = await searchCustomers(text, 8, request.signal);
      active = -1;
      show();
    } catch (e) {
      if (!isAbort(e)) close();
    }
  }, 200);

  input.addEventListener('input', () => lookup(input.value.trim()));
  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      active = (active + step + hits.length) % hits.length;
      show();
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      window.location.href = customerHref(hits[active]!.customer_id);
    } else if (e.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
}
