import type { Field } from '../api-types';
import { dataTable } from '../components/data-table';
import { errorState, loadingState } from '../components/states';
import { renderChart } from '../components/vega-chart';
import { ApiError } from '../core/api';
import { h, replace } from '../core/dom';
import { formatNumber } from '../core/format';
import { type Push, request, type Snapshot, segmentUrl, type TargetGroup } from './api';

const HISTORY_FIELDS: Field[] = [
  { name: 'seq', title: '#', kind: 'quantitative', format: 'integer' },
  { name: 'refreshed_at', title: 'Refreshed', kind: 'nominal' },
  { name: 'cause', title: 'By', kind: 'nominal' },
  { name: 'member_count', title: 'Members', kind: 'quantitative', format: 'integer' },
  { name: 'added', title: 'Added', kind: 'quantitative', format: 'integer' },
  { name: 'removed', title: 'Removed', kind: 'quantitative', format: 'integer' },
];

const PUSH_FIELDS: Field[] = [
  { name: 'pushed_at', title: 'Pushed', kind: 'nominal' },
  { name: 'url', title: 'Webhook', kind: 'nominal' },
  { name: 'members', title: 'Members', kind: 'quantitative', format: 'integer' },
  { name: 'pages_sent', title: 'Pages sent', kind: 'quantitative', format: 'integer' },
  { name: 'status', title: 'Status', kind: 'nominal' },
  { name: 'error', title: 'Error', kind: 'nominal' },
];

/** Member counts by snapshot (x: the refresh number, since a pinned clock gives equal times). */
const HISTORY_SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  width: 'container',
  height: 180,
  mark: { type: 'line', point: true },
  encoding: {
    x: { field: 'seq', type: 'ordinal', title: 'Refresh', axis: { labelAngle: 0 } },
    y: {
      field: 'member_count',
      type: 'quantitative',
      title: 'Members',
      scale: { zero: false },
      axis: { format: ',d' },
    },
    tooltip: [
      { field: 'refreshed_at', title: 'Refreshed' },
      { field: 'member_count', title: 'Members', format: ',' },
      { field: 'added', title: 'Added' },
      { field: 'removed', title: 'Removed' },
    ],
  },
};

const message = (e: unknown) => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

/** The panel of one target group: history (chart and table), its schedule, pushes to a webhook. */
export async function showDetail(el: HTMLElement, id: string, reload: () => Promise<void>): Promise<void> {
  el.dataset.state = 'loading';
  replace(el, loadingState());
  try {
    const [group, history, pushes] = await Promise.all([
      request<TargetGroup>('GET', segmentUrl(id)),
      request<{ data: Snapshot[] }>('GET', segmentUrl(id, '/history')),
      request<{ data: Push[] }>('GET', segmentUrl(id, '/pushes')),
    ]);
    const chart = h('div', { class: 'tg-history-chart' });
    const refresh = () => showDetail(el, id, reload);
    replace(
      el,
      h(
        'section',
        { class: 'panel tg-panel', dataset: { segment: id } },
        h('h2', {}, group.name),
        h('p', { class: 'muted' }, group.definition_text),
        h('h3', { class: 'panel-title' }, 'Members over time'),
        history.data.length === 0
          ? h(
              'p',
              { class: 'muted tg-no-history' },
              'No refresh recorded yet: refresh it to start the history.',
            )
          : [
              chart,
              h(
                'div',
                { class: 'tg-history-table' },
                dataTable(HISTORY_FIELDS, [...history.data].reverse() as never),
              ),
            ],
        h('h3', { class: 'panel-title' }, 'Scheduled refresh'),
        scheduleForm(group, async () => {
          await reload();
          await refresh();
        }),
        h('h3', { class: 'panel-title' }, 'Push members to a webhook'),
        pushForm(group, refresh),
        pushes.data.length
          ? h('div', { class: 'tg-pushes' }, dataTable(PUSH_FIELDS, pushes.data as never))
          : null,
      ),
    );
    if (history.data.length) await renderChart(chart, HISTORY_SPEC, history.data as never);
    el.dataset.state = 'ready';
  } catch (e) {
    replace(el, errorState(e instanceof ApiError ? e.code : 'CLIENT_ERROR', String((e as Error).message)));
    el.dataset.state = 'error';
  }
}

function scheduleForm(group: TargetGroup, done: () => Promise<void>): HTMLElement {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const cron = h('input', { name: 'cron', value: group.schedule?.cron ?? '0 6 * * 1', 'aria-label': 'Cron' });
  const tz = h('input', {
    name: 'timezone',
    value: group.schedule?.timezone ?? zone,
    'aria-label': 'Time zone',
  });
  const status = h(
    'p',
    { class: 'tg-status' },
    group.schedule
      ? `Next refresh ${group.schedule.next_run ?? '—'}${group.schedule.last_error ? `; the last one failed: ${group.schedule.last_error}` : ''}`
      : 'Not scheduled.',
  );
  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await done();
    } catch (e) {
      status.className = 'tg-status is-error';
      status.textContent = message(e);
    }
  };
  const form = h(
    'form',
    {
      class: 'tg-schedule-form inline-form',
      on: {
        submit: (e) => {
          e.preventDefault();
          void run(() =>
            request('PUT', segmentUrl(group.segment_id, '/schedule'), {
              cron: cron.value.trim(),
              timezone: tz.value.trim(),
            }),
          );
        },
      },
    },
    h('label', {}, 'Cron ', cron),
    h('label', {}, 'Time zone ', tz),
    h('button', { type: 'submit', class: 'button small primary' }, group.schedule ? 'Update' : 'Schedule'),
    group.schedule
      ? h(
          'button',
          {
            type: 'button',
            class: 'button small',
            on: { click: () => void run(() => request('DELETE', segmentUrl(group.segment_id, '/schedule'))) },
          },
          'Remove',
        )
      : null,
  );
  return h('div', {}, form, status);
}

function pushForm(group: TargetGroup, done: () => Promise<void>): HTMLElement {
  const url = h('input', {
    name: 'url',
    type: 'url',
    placeholder: 'https://…',
    required: true,
    'aria-label': 'Webhook URL',
  });
  const size = h('input', {
    name: 'page_size',
    type: 'number',
    min: '1',
    max: '10000',
    value: '1000',
    'aria-label': 'Page size',
  });
  const status = h('p', { class: 'tg-status' });
  const submit = h('button', { type: 'submit', class: 'button small primary' }, 'Push');
  const form = h(
    'form',
    {
      class: 'tg-push-form inline-form',
      on: {
        submit: async (e) => {
          e.preventDefault();
          submit.disabled = true;
          status.className = 'tg-status';
          status.textContent = 'Pushing…';
          try {
            const p = await request<Push>('POST', segmentUrl(group.segment_id, '/push'), {
              url: url.value.trim(),
              page_size: Number(size.value),
            });
            status.className = 'tg-status is-success';
            status.textContent = `Pushed ${formatNumber(p.members, 'integer')} members in ${p.pages} page${p.pages === 1 ? '' : 's'}.`;
            await done();
          } catch (err) {
            status.className = 'tg-status is-error';
            status.textContent = message(err);
            submit.disabled = false;
          }
        },
      },
    },
    h('label', {}, 'URL ', url),
    h('label', {}, 'Page size ', size),
    submit,
  );
  return h('div', {}, form, status);
}
