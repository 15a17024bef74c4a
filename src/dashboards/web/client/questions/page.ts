import { emptyState, errorState, loadingState } from '../components/states';
import { ApiError, isAbort } from '../core/api';
import { debounce } from '../core/debounce';
import { h, must, replace } from '../core/dom';
import { subscribeToggle } from '../subscriptions/form';
import { mountSubscriptionsList } from '../subscriptions/list';
import { type AlertSummary, type Question, questionsApi, questionUrl } from './question-api';

function when(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

function failure(e: unknown): HTMLElement {
  const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e));
  return errorState(err.code, err.message);
}

/** The questions page: saved questions with search, open, duplicate and delete; then the alerts. */
export function mountQuestionsPage(): void {
  const root = must('.questions');
  const list = must('.questions-list', root);
  const input = must<HTMLInputElement>('.questions-search input', root);
  const alerts = must('.alerts-list', root);
  const subscriptions = mountSubscriptionsList(must('.subscriptions-list', root));
  input.value = new URLSearchParams(location.search).get('search') ?? '';
  let request: AbortController | undefined;

  function row(q: Question): HTMLElement {
    const status = h('span', { class: 'muted small', role: 'status' });
    const act = (label: string, work: () => Promise<unknown>) =>
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          on: {
            click: async () => {
              try {
                await work();
                await load();
              } catch (e) {
                status.textContent = e instanceof Error ? e.message : String(e);
              }
            },
          },
        },
        label,
      );
    const actions = h('div', { class: 'question-actions' });
    const item = h(
      'li',
      { class: 'question-row', dataset: { question: q.id } },
      h(
        'div',
        { class: 'question-text' },
        h('a', { class: 'question-name', href: questionUrl(q.id) }, q.name),
        q.description ? h('p', { class: 'muted small' }, q.description) : null,
        h('p', { class: 'muted small' }, `by ${q.createdBy ?? 'unknown'} · changed ${when(q.updatedAt)}`),
      ),
      actions,
    );
    actions.append(
      h('a', { class: 'button', href: questionUrl(q.id) }, 'Open'),
      act('Duplicate', () => questionsApi.duplicate(q.id)),
      // The form opens below the row; a new subscription shows in the list at once.
      subscribeToggle(
        actions,
        () => ({ question: q.id }),
        q.name,
        () => void subscriptions.reload(),
        'regular',
      ),
      act('Delete', async () => {
        if (window.confirm(`Delete the question "${q.name}" and its alerts?`))
          await questionsApi.remove(q.id);
      }),
      status,
    );
    return item;
  }

  async function load(): Promise<void> {
    request?.abort();
    const mine = new AbortController();
    request = mine;
    const search = input.value.trim();
    history.replaceState(null, '', search ? `/questions?search=${encodeURIComponent(search)}` : '/questions');
    try {
      const { data } = await questionsApi.list(search, mine.signal);
      replace(
        list,
        data.length === 0
          ? emptyState(
              search ? `No question matches "${search}".` : 'No saved questions yet: save one in Explore.',
            )
          : h('ul', { class: 'question-list' }, data.map(row)),
      );
      root.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      replace(list, failure(e));
      root.dataset.state = 'error';
    }
  }

  function alertRow(a: AlertSummary): HTMLElement {
    const checks = h('div', { class: 'alert-history' });
    const last = a.lastCheck;
    return h(
      'li',
      { class: ['alert-row', a.crossed && 'is-crossed'], dataset: { alert: a.id } },
      h('strong', {}, a.name),
      ' ',
      h(
        'span',
        { class: 'muted small' },
        `${a.condition}${a.threshold === null ? '' : ` ${a.threshold}`} · ${a.crossed ? 'crossed' : 'ok'}` +
          (last
            ? ` · last checked ${when(last.checkedAt)}${last.value === null ? '' : ` (${last.value})`}`
            : ''),
      ),
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          on: {
            click: async () => {
              const { data } = await questionsApi.history(a.id);
              replace(
                checks,
                h(
                  'table',
                  { class: 'data-table' },
                  h(
                    'thead',
                    {},
                    h(
                      'tr',
                      {},
                      ['Checked', 'Period', 'Value', 'Crossed', 'Sent', 'Note'].map((t) => h('th', {}, t)),
                    ),
                  ),
                  h(
                    'tbody',
                    {},
                    data.map((c) =>
                      h(
                        'tr',
                        {},
                        h('td', {}, when(c.checkedAt)),
                        h('td', {}, c.period ?? ''),
                        h('td', {}, c.value === null ? '' : String(c.value)),
                        h('td', {}, c.crossed ? 'yes' : 'no'),
                        h('td', {}, c.fired ? 'yes' : ''),
                        h('td', {}, c.error ?? c.delivery ?? ''),
                      ),
                    ),
                  ),
                ),
              );
            },
          },
        },
        'History',
      ),
      checks,
    );
  }

  async function loadAlerts(): Promise<void> {
    try {
      const { data } = await questionsApi.alerts();
      replace(
        alerts,
        data.length === 0 ? emptyState('No alerts.') : h('ul', { class: 'alert-list' }, data.map(alertRow)),
      );
    } catch (e) {
      replace(alerts, failure(e));
    }
  }

  replace(list, loadingState());
  input.form?.addEventListener('submit', (e) => e.preventDefault());
  input.addEventListener(
    'input',
    debounce(() => void load(), 200),
  );
  void load();
  void loadAlerts();
}
