import type { CustomerPageData } from '../../shared/page-data';
import type { CustomerDetail, TimelineEvent } from '../api-types';
import { errorState } from '../components/states';
import { ApiError, getJson } from '../core/api';
import { h, must, replace } from '../core/dom';
import { readPageData } from '../core/page-data';
import { historyTable } from './history-table';
import { kpiStrip } from './kpi-strip';
import { profileCard } from './profile-card';
import { scoresPanel } from './scores';
import { Timeline } from './timeline';

type Detail = CustomerDetail & {
  timeline_next_before?: string | null;
  timeline_totals?: Record<string, number>;
};

const detailUrl = (id: string, params: Record<string, string> = {}) => {
  const q = new URLSearchParams(params).toString();
  return `/v1/customers/${encodeURIComponent(id)}${q ? `?${q}` : ''}`;
};

function notFound(id: string): HTMLElement {
  return h(
    'div',
    { class: 'message-page' },
    h('p', { class: 'message-status' }, '404'),
    h('h1', {}, `No customer “${id}”`),
    h('p', { class: 'muted' }, 'Search by name, e-mail, phone number or customer id:'),
    h(
      'form',
      { class: 'search-form', action: '/customers', method: 'get', role: 'search' },
      h(
        'div',
        { class: 'input-row' },
        h('input', { type: 'search', name: 'search', 'aria-label': 'Search customers' }),
        h('button', { type: 'submit', class: 'button primary' }, 'Search'),
      ),
    ),
  );
}

/** Customer 360: profile, KPIs, RFM and cluster, target groups, SCD2 history and the timeline. */
export async function mountCustomerPage(): Promise<void> {
  const { customerId } = readPageData<CustomerPageData>();
  const root = must('.customer');
  const content = must('.customer-content', root);
  let d: Detail;
  try {
    d = await getJson<Detail>(detailUrl(customerId));
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e));
    replace(content, err.status === 404 ? notFound(customerId) : errorState(err.code, err.message));
    root.dataset.state = err.status === 404 ? 'not-found' : 'error';
    return;
  }
  document.title = `${d.profile.name ?? customerId} · rapport`;
  const timeline = new Timeline(
    d.timeline,
    d.timeline_next_before ?? null,
    async (before) => {
      const older = await getJson<Detail>(detailUrl(customerId, { before }));
      return { events: older.timeline as TimelineEvent[], next: older.timeline_next_before ?? null };
    },
    d.timeline_totals ?? {},
  );
  replace(
    content,
    h(
      'div',
      { class: 'customer-top' },
      h('div', { class: 'customer-main' }, profileCard(d), kpiStrip(d)),
      scoresPanel(d),
    ),
    historyTable(d),
    timeline.element,
  );
  root.dataset.state = 'ready';
}
