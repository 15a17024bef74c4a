import type { CustomerDetail } from '../api-types';
import { h } from '../core/dom';
import { formatCell, formatTime } from '../core/format';

const COLUMNS = ['type', 'industry', 'country', 'region', 'city'] as const;

/** SCD2 bounds: the open start (1900) and end (9999) read as "since the start" and "now". */
function bound(value: unknown, open: string): string {
  const text = String(value ?? '');
  if (text === '' || text.startsWith('1900-') || text.startsWith('9999-')) return open;
  return formatTime(value, 'day');
}

/** The customer's attribute versions (SCD2), newest first, the current one marked. */
export function historyTable(d: CustomerDetail): HTMLElement {
  const versions = [...d.history].sort((a, b) =>
    String(b['valid_from']).localeCompare(String(a['valid_from'])),
  );
  return h(
    'section',
    { class: 'panel history', 'aria-label': 'Attribute history' },
    h(
      'h2',
      { class: 'panel-title' },
      'History',
      h('span', { class: 'muted small' }, ` · ${versions.length} version${versions.length === 1 ? '' : 's'}`),
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'From'),
            h('th', {}, 'To'),
            COLUMNS.map((c) => h('th', {}, c.charAt(0).toUpperCase() + c.slice(1))),
          ),
        ),
        h(
          'tbody',
          {},
          versions.map((v) =>
            h(
              'tr',
              { class: v['is_current'] === true ? 'is-current' : undefined },
              h('td', {}, bound(v['valid_from'], 'Start')),
              h(
                'td',
                {},
                v['is_current'] === true
                  ? h('span', { class: 'badge current' }, 'current')
                  : bound(v['valid_to'], 'Now'),
              ),
              COLUMNS.map((c) => h('td', {}, formatCell(v[c], { name: c, kind: 'nominal', humanize: true }))),
            ),
          ),
        ),
      ),
    ),
  );
}
