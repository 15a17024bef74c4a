import type { Field, Row } from '../api-types';
import { h, replace } from '../core/dom';
import { asNumber, formatCell } from '../core/format';

/** A column of customer ids: `customer_id` or `cube.customer_id`. Its cells link to Customer 360. */
export function isCustomerIdField(name: string): boolean {
  return name === 'customer_id' || name.endsWith('.customer_id');
}

export function customerHref(id: unknown): string {
  return `/customers/${encodeURIComponent(String(id))}`;
}

type Direction = 'asc' | 'desc';

function compare(a: unknown, b: unknown, numeric: boolean): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (numeric) return (asNumber(a) ?? 0) - (asNumber(b) ?? 0);
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export interface TableOptions {
  /** Whether a click on a header sorts by that column [true]. */
  readonly sortable?: boolean;
  /** One more column whose cells link to the row's customer (e.g. the name). */
  readonly customerLink?: { readonly field: string; readonly id: string };
}

function cellOf(field: Field, row: Row, options: TableOptions): HTMLTableCellElement {
  const value = row[field.name];
  const text = formatCell(value, field);
  const numeric = field.kind === 'quantitative';
  const linked = options.customerLink?.field === field.name ? row[options.customerLink.id] : undefined;
  const id = isCustomerIdField(field.name) ? value : linked;
  const content =
    id !== null && id !== undefined && value !== null && value !== undefined
      ? h('a', { href: customerHref(id), class: 'customer-link' }, text)
      : text;
  return h('td', { class: numeric ? 'num' : undefined }, content);
}

/**
 * Rows as an HTML table: values formatted by their field, numbers right-aligned, customer ids
 * linked, and (when sortable) a click on a header sorts by that column, again to reverse.
 */
export function dataTable(
  fields: readonly Field[],
  rows: readonly Row[],
  options: TableOptions = {},
): HTMLElement {
  const sortable = options.sortable ?? true;
  let sortBy: string | undefined;
  let direction: Direction = 'asc';
  const body = h('tbody');

  const fill = () => {
    const field = fields.find((f) => f.name === sortBy);
    const sorted = field
      ? [...rows].sort(
          (a, b) =>
            compare(a[field.name], b[field.name], field.kind === 'quantitative') *
            (direction === 'asc' ? 1 : -1),
        )
      : rows;
    replace(
      body,
      sorted.map((r) =>
        h(
          'tr',
          {},
          fields.map((f) => cellOf(f, r, options)),
        ),
      ),
    );
  };

  const headers = fields.map((f) => {
    const th = h('th', {
      scope: 'col',
      class: f.kind === 'quantitative' ? 'num' : undefined,
      'aria-sort': 'none',
      title: f.name,
    });
    if (!sortable) {
      th.textContent = f.title;
      return th;
    }
    const button = h('button', { type: 'button', class: 'sort-button' }, f.title);
    button.addEventListener('click', () => {
      direction =
        sortBy === f.name && direction === 'asc'
          ? 'desc'
          : sortBy === f.name
            ? 'asc'
            : f.kind === 'quantitative'
              ? 'desc'
              : 'asc';
      sortBy = f.name;
      for (const other of headers) other.setAttribute('aria-sort', 'none');
      th.setAttribute('aria-sort', direction === 'asc' ? 'ascending' : 'descending');
      fill();
    });
    th.appendChild(button);
    return th;
  });
  fill();
  return h(
    'div',
    { class: 'table-scroll' },
    h('table', { class: 'data-table' }, h('thead', {}, h('tr', {}, headers)), body),
  );
}
