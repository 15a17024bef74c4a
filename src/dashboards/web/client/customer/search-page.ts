import type { CustomersPageData } from '../../shared/page-data';
import type { CustomerHit, Field } from '../api-types';
import { dataTable } from '../components/data-table';
import { emptyState, errorState, loadingState } from '../components/states';
import { ApiError, getJson } from '../core/api';
import { h, must, replace } from '../core/dom';
import { readPageData } from '../core/page-data';

const FIELDS: Field[] = [
  { name: 'name', title: 'Name', kind: 'nominal' },
  { name: 'customer_id', title: 'Customer id', kind: 'nominal' },
  { name: 'type', title: 'Type', kind: 'nominal' },
  { name: 'email', title: 'E-mail', kind: 'nominal' },
  { name: 'phone', title: 'Phone', kind: 'nominal' },
  { name: 'city', title: 'City', kind: 'nominal' },
  { name: 'country', title: 'Country', kind: 'nominal' },
  { name: 'revenue', title: 'Revenue', kind: 'quantitative', format: 'currency' },
  { name: 'orders', title: 'Orders', kind: 'quantitative', format: 'integer' },
  { name: 'last_order_at', title: 'Last order', kind: 'temporal' },
];

const LIMIT = 50;

/** `/customers?search=`: the matching customers, each linked to its Customer 360 page. */
export async function mountCustomerSearchPage(): Promise<void> {
  const { search } = readPageData<CustomersPageData>();
  const root = must('.customer-search');
  const out = must('.search-results', root);
  if (!search) {
    replace(out, h('p', { class: 'muted' }, 'Search by name, e-mail, phone number or customer id.'));
    root.dataset.state = 'ready';
    return;
  }
  replace(out, loadingState('Searching…'));
  try {
    const q = new URLSearchParams({ search, limit: String(LIMIT) });
    const answer = await getJson<{ data: CustomerHit[]; total?: number }>(`/v1/customers?${q}`);
    const total = answer.total ?? answer.data.length;
    replace(
      out,
      answer.data.length === 0
        ? emptyState(`No customer matches “${search}”.`)
        : [
            h(
              'p',
              { class: 'muted result-summary' },
              total > answer.data.length
                ? `${total} customers match “${search}”; the first ${answer.data.length} are shown.`
                : `${total} customer${total === 1 ? '' : 's'} match “${search}”.`,
            ),
            h(
              'div',
              { class: 'panel' },
              dataTable(FIELDS, answer.data as never, { customerLink: { field: 'name', id: 'customer_id' } }),
            ),
          ],
    );
    root.dataset.state = 'ready';
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e));
    replace(out, errorState(err.code, err.message));
    root.dataset.state = 'error';
  }
}
