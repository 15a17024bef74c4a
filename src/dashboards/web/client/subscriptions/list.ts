import { emptyState, errorState } from '../components/states';
import { ApiError } from '../core/api';
import { h, replace } from '../core/dom';
import { type Delivery, type Destination, type Subscription, subscriptionsApi } from './api';
import { PRESETS } from './form';

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

function destinationText(d: Destination): string {
  return d.kind === 'email' ? `e-mail ${d.to.join(', ')}` : `webhook (${d.format}) ${d.url}`;
}

function targetLink(s: Subscription): HTMLElement {
  return 'dashboard' in s.target
    ? h(
        'a',
        { href: `/dashboards/${encodeURIComponent(s.target.dashboard)}` },
        `dashboard ${s.target.dashboard}`,
      )
    : h('a', { href: `/explore?question=${encodeURIComponent(s.target.question)}` }, 'a saved question');
}

function scheduleText(s: Subscription): string {
  const preset = PRESETS.find((p) => p.cron === s.cron);
  return `${preset ? preset.label : `cron ${s.cron}`} (${s.timezone})`;
}

/** The last deliveries of a subscription, newest first. */
function deliveriesTable(data: readonly Delivery[]): HTMLElement {
  if (data.length === 0) return h('p', { class: 'muted small' }, 'Nothing delivered yet.');
  return h(
    'table',
    { class: 'data-table subscription-deliveries' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['When (UTC)', 'To', 'Status', 'Attempts', 'Note'].map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      data
        .slice(0, 5)
        .map((d) =>
          h(
            'tr',
            { dataset: { status: d.status } },
            h('td', {}, when(d.sent_at ?? d.created_at)),
            h('td', {}, destinationText(d.destination)),
            h('td', {}, h('span', { class: ['delivery-status', `is-${d.status}`] }, d.status)),
            h('td', { class: 'numeric' }, String(d.attempts)),
            h('td', {}, d.error ?? d.note ?? ''),
          ),
        ),
    ),
  );
}

const message = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

/**
 * The user's subscriptions (an admin sees everyone's), each with its schedule, destinations and
 * last deliveries, "Send now" and "Delete". `reload` fills it again (after a new subscription).
 */
export function mountSubscriptionsList(container: HTMLElement): { reload: () => Promise<void> } {
  function row(s: Subscription, deliveries: readonly Delivery[] | string): HTMLElement {
    const status = h('span', { class: 'muted small', role: 'status' });
    const act = (label: string, action: string, work: () => Promise<unknown>) =>
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          dataset: { action },
          on: {
            click: async (e) => {
              const button = e.currentTarget as HTMLButtonElement;
              button.disabled = true;
              status.textContent = label === 'Send now' ? 'Sending…' : '';
              try {
                await work();
                await reload();
              } catch (err) {
                status.textContent = message(err);
                button.disabled = false;
              }
            },
          },
        },
        label,
      );
    return h(
      'li',
      { class: 'subscription-row', dataset: { subscription: s.id } },
      h(
        'div',
        { class: 'subscription-head' },
        h(
          'div',
          {},
          h('strong', {}, s.name),
          h(
            'p',
            { class: 'muted small' },
            targetLink(s),
            ` · ${scheduleText(s)} · next ${when(s.next_run)} UTC · to ${s.destinations.map(destinationText).join('; ')}`,
            s.owner?.name ? ` · by ${s.owner.name}` : '',
          ),
        ),
        h(
          'div',
          { class: 'question-actions' },
          act('Send now', 'send-now', () => subscriptionsApi.send(s.id)),
          act('Delete', 'delete', async () => {
            if (window.confirm(`Delete the subscription "${s.name}"? Its deliveries stay in the log.`))
              await subscriptionsApi.remove(s.id);
          }),
          status,
        ),
      ),
      typeof deliveries === 'string'
        ? h('p', { class: 'muted small' }, deliveries)
        : deliveriesTable(deliveries),
    );
  }

  async function reload(): Promise<void> {
    try {
      const { data } = await subscriptionsApi.list();
      const logs = await Promise.all(
        data.map((s) =>
          subscriptionsApi.deliveries(s.id).then(
            (r) => r.data,
            (e: unknown) => `Deliveries not read: ${message(e)}`,
          ),
        ),
      );
      replace(
        container,
        data.length === 0
          ? emptyState('No subscriptions yet: use "Subscribe…" on a dashboard or a question.')
          : h(
              'ul',
              { class: 'subscription-list' },
              data.map((s, i) => row(s, logs[i]!)),
            ),
      );
      container.dataset.state = 'ready';
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e));
      replace(container, errorState(err.code, err.message));
      container.dataset.state = 'error';
    }
  }
  void reload();
  return { reload };
}
