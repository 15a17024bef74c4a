import { h } from '../core/dom';
import { BREAKDOWN_LIST_ID, EVENT_LIST_ID, field, option } from './form-parts';
import {
  DEFAULT_WINDOW,
  type Exclusion,
  FUNNEL_MODES,
  type Insight,
  type InsightQuery,
  MAX_CORRELATION_PROPERTIES,
  PERIODS,
  type SeriesWhere,
  shortProperty,
} from './state';
import { PERIOD_ADJECTIVE } from './words';

/** The controls of one insight's own options (funnel, retention, paths, a trend series' condition). */

const WINDOWS = [
  ['1h', '1 hour'],
  ['1d', '1 day'],
  ['7d', '7 days'],
  ['14d', '14 days'],
  ['30d', '30 days'],
] as const;
const WINDOW_LIST_ID = 'insight-window-list';

const MODE_WORDS = {
  ordered: 'In order (other events between)',
  strict: 'In order, nothing between',
  unordered: 'In any order',
} as const;

const commaList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The options of the insight as typed (normalized later): only the insight's own. */
export function readInsightOptions(insight: Insight, data: FormData): Partial<InsightQuery> {
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const all = (name: string) => data.getAll(name).map((v) => String(v).trim());
  switch (insight) {
    case 'trends': {
      const values = all('where_value');
      const where = all('where_property').map((property, i): SeriesWhere | null =>
        property && values[i] ? { property, value: values[i]! } : null,
      );
      return { where };
    }
    case 'funnel': {
      const from = all('excl_from');
      const to = all('excl_to');
      const exclusions = all('excl_event').map(
        (event, i): Exclusion => ({
          event,
          ...(from[i] ? { from: Number(from[i]) } : {}),
          ...(to[i] ? { to: Number(to[i]) } : {}),
        }),
      );
      const overTime = text('over_time');
      return {
        ...(text('window') ? { window: text('window').toLowerCase().replace(/\s+/g, '') } : {}),
        mode: (text('mode') || 'ordered') as InsightQuery['mode'],
        exclusions,
        ...(overTime ? { overTime: overTime as InsightQuery['overTime'] } : {}),
        timeToConvert: data.get('time_to_convert') === 'on',
        correlation: data.get('correlation') === 'on',
        correlationProperties: commaList(text('correlation_properties')),
      };
    }
    case 'retention':
      return { retentionType: text('retention_type') === 'recurring' ? 'recurring' : 'first_time' };
    case 'paths':
      return { pathEnd: text('path_anchor') === 'end', excludeEvents: commaList(text('exclude_events')) };
    default:
      return {};
  }
}

/** "where property = value" under a trend series: only its events with that property value. */
export function whereControls(where: SeriesWhere | null, label: string): HTMLElement {
  return h(
    'div',
    { class: 'series-where' },
    h('span', { class: 'muted' }, 'where'),
    h('input', {
      name: 'where_property',
      list: BREAKDOWN_LIST_ID,
      value: where ? shortProperty(where.property) : '',
      placeholder: 'property (e.g. plan)',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-label': `${label}: property`,
    }),
    h('span', { class: 'muted' }, '='),
    h('input', {
      name: 'where_value',
      value: where?.value ?? '',
      placeholder: 'value',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-label': `${label}: value`,
    }),
  );
}

/** A step select of an exclusion: blank is the funnel's first (or last) step. */
function stepSelect(name: string, steps: number, value: number | undefined, blank: string, label: string) {
  return h(
    'select',
    { name, 'aria-label': label },
    option('', blank, value === undefined),
    Array.from({ length: steps }, (_, i) => option(String(i + 1), `step ${i + 1}`, value === i + 1)),
  );
}

/**
 * The funnel's window and mode (in the options row), its exclusions (added and removed like
 * steps) and the extra views, each asked for only when ticked.
 */
export function funnelControls(
  q: InsightQuery,
  rerender: (change: (now: InsightQuery) => InsightQuery) => void,
): HTMLElement[] {
  const window = field(
    'Conversion window',
    h(
      'span',
      {},
      h('input', {
        name: 'window',
        list: WINDOW_LIST_ID,
        value: q.window ?? DEFAULT_WINDOW,
        size: 6,
        autocomplete: 'off',
        spellcheck: 'false',
        title: 'A number and a unit: m, h, d or w (36h, 14d, 1d12h)',
      }),
      h(
        'datalist',
        { id: WINDOW_LIST_ID },
        WINDOWS.map(([v, words]) => h('option', { value: v }, words)),
      ),
    ),
    'window',
  );
  const mode = field(
    'Step order',
    h(
      'select',
      { name: 'mode' },
      FUNNEL_MODES.map((m) => option(m, MODE_WORDS[m], m === (q.mode ?? 'ordered'))),
    ),
    'mode',
  );
  const n = q.events.length;
  const exclusions = (q.exclusions ?? []).map((x, i) =>
    h(
      'li',
      { class: 'exclusion-row' },
      h('span', { class: 'event-label' }, 'Not'),
      h('input', {
        name: 'excl_event',
        list: EVENT_LIST_ID,
        value: x.event,
        placeholder: 'event name',
        autocomplete: 'off',
        spellcheck: 'false',
        'aria-label': `Exclusion ${i + 1} event`,
      }),
      h('span', { class: 'muted' }, 'between'),
      stepSelect('excl_from', n, x.from, 'the first step', `Exclusion ${i + 1} from step`),
      h('span', { class: 'muted' }, 'and'),
      stepSelect('excl_to', n, x.to, 'the last step reached', `Exclusion ${i + 1} to step`),
      h(
        'button',
        {
          type: 'button',
          class: 'icon-button remove-exclusion',
          'aria-label': `Remove exclusion ${i + 1}`,
          title: 'Remove',
          on: {
            click: () =>
              rerender((now) => ({ ...now, exclusions: (now.exclusions ?? []).filter((_, j) => j !== i) })),
          },
        },
        '×',
      ),
    ),
  );
  const excluded = h(
    'fieldset',
    { class: 'insight-wide insight-exclusions' },
    h('legend', {}, 'Exclusions: leave out those who did an event between steps'),
    exclusions.length > 0 ? h('ol', { class: 'event-list' }, exclusions) : null,
    h(
      'button',
      {
        type: 'button',
        class: 'button small add-exclusion',
        on: {
          click: () =>
            rerender((now) => ({ ...now, exclusions: [...(now.exclusions ?? []), { event: '' }] })),
        },
      },
      '+ Add exclusion',
    ),
  );
  const check = (name: string, on: boolean, label: string) =>
    h(
      'label',
      { class: 'insight-check' },
      h('input', { type: 'checkbox', name, checked: on || undefined }),
      label,
    );
  const views = h(
    'fieldset',
    { class: 'insight-wide insight-views' },
    h('legend', {}, 'Also show (each reads the funnel again)'),
    h(
      'label',
      { class: 'insight-check' },
      'Conversion over time ',
      h(
        'select',
        { name: 'over_time' },
        option('', 'no', !q.overTime),
        PERIODS.map((p) => option(p, PERIOD_ADJECTIVE[p].toLowerCase(), p === q.overTime)),
      ),
    ),
    check('time_to_convert', q.timeToConvert === true, 'Time to convert'),
    check('correlation', q.correlation === true, 'Correlation with converting'),
    h(
      'label',
      { class: 'insight-check' },
      'of the properties ',
      h('input', {
        name: 'correlation_properties',
        value: (q.correlationProperties ?? []).join(', '),
        placeholder: `up to ${MAX_CORRELATION_PROPERTIES}: properties.$browser, customers.region`,
        size: 44,
        autocomplete: 'off',
        spellcheck: 'false',
      }),
    ),
  );
  return [window, mode, excluded, views];
}

export function retentionControls(q: InsightQuery): HTMLElement[] {
  return [
    field(
      'Cohorts',
      h(
        'select',
        { name: 'retention_type' },
        option('first_time', 'By the first time ever', q.retentionType !== 'recurring'),
        option('recurring', 'By every period with it', q.retentionType === 'recurring'),
      ),
      'retention_type',
    ),
  ];
}

export function pathsControls(q: InsightQuery): HTMLElement[] {
  return [
    field(
      'Paths',
      h(
        'select',
        { name: 'path_anchor' },
        option('start', 'Starting at the event', !q.pathEnd),
        option('end', 'Leading to the event', q.pathEnd === true),
      ),
      'path_anchor',
    ),
    field(
      'Leave out events',
      h('input', {
        name: 'exclude_events',
        value: (q.excludeEvents ?? []).join(', '),
        placeholder: 'e.g. page_view, search',
        autocomplete: 'off',
        spellcheck: 'false',
      }),
      'exclude_events',
    ),
  ];
}
