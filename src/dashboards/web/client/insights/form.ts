import { h, replace } from '../core/dom';
import {
  funnelControls,
  pathsControls,
  readInsightOptions,
  retentionControls,
  whereControls,
} from './form-options';
import { BREAKDOWN_LIST_ID, EVENT_LIST_ID, field, option } from './form-parts';
import {
  INSIGHTS,
  type Insight,
  type InsightQuery,
  MATHS,
  type Period,
  SHAPES,
  switchedTo,
  type TrendMath,
} from './state';
import { actorPlural, PERIOD_ADJECTIVE } from './words';

export { BREAKDOWN_LIST_ID, EVENT_LIST_ID, field, option };

/** Breakdowns a marketer reaches for first (before the properties found); any dimension may be typed. */
export const BREAKDOWN_SUGGESTIONS = [
  'web_events.properties.$device_type',
  'web_events.properties.$browser',
  'web_events.properties.$os',
  'web_events.source',
  'customers.region',
  'customers.country',
  'customers.type',
  'customers.acquisition_channel',
] as const;

/** The breakdown choices: the fixed ones, then each event property key found, labelled in words. */
export function propertyChoices(keys: readonly string[]): { value: string; label: string }[] {
  const found = [...new Set(keys)].sort().map((k) => `web_events.properties.${k}`);
  return [...new Set([...BREAKDOWN_SUGGESTIONS, ...found])].map((value) => {
    const [cube, ...rest] = value.split('.');
    const label =
      rest[0] === 'properties'
        ? `Event property ${rest.slice(1).join('.')}`
        : cube === 'customers'
          ? `Customer ${rest.join('.').replace(/_/g, ' ')}`
          : `Event ${rest.join('.').replace(/_/g, ' ')}`;
    return { value, label };
  });
}

const MATH_WORDS: Readonly<Record<TrendMath, string>> = {
  total: 'Total events',
  unique: 'Unique actors',
  per_actor: 'Events per actor',
};

export interface InsightForm {
  readonly element: HTMLFormElement;
  /** Shows a query in the controls (after Back/Forward or a reload). */
  set(query: InsightQuery): void;
}

/**
 * The query form: the insight's tabs, its events (a growing list for series and steps), then
 * breakdown, dates, interval, math and who is counted where the insight has them. `onSubmit`
 * gets the query as typed; empty events are refused with a message here.
 */
export function insightForm(initial: InsightQuery, onSubmit: (query: InsightQuery) => void): InsightForm {
  const form = h('form', { class: 'insight-form', novalidate: true });
  let draft: InsightQuery = initial;

  const read = (): InsightQuery => {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    return {
      insight: draft.insight,
      events: data.getAll('event').map((v) => String(v).trim()),
      ...(text('breakdown') ? { breakdown: text('breakdown') } : {}),
      ...(text('from') ? { from: text('from') } : {}),
      ...(text('to') ? { to: text('to') } : {}),
      interval: (text('interval') || draft.interval) as Period,
      math: (text('math') || draft.math) as TrendMath,
      actor: text('actor') || draft.actor,
      steps: Number(text('steps') || draft.steps),
      ...readInsightOptions(draft.insight, data),
    };
  };

  const render = (q: InsightQuery) => {
    draft = q;
    const shape = SHAPES[q.insight];
    const tabs = h(
      'div',
      { class: 'insight-tabs', role: 'tablist', 'aria-label': 'Insight' },
      INSIGHTS.map((name) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            class: ['insight-tab', name === q.insight && 'is-active'],
            'aria-selected': String(name === q.insight),
            dataset: { insight: name },
            on: { click: () => name !== draft.insight && render(switchedTo(read(), name as Insight)) },
          },
          SHAPES[name].title,
        ),
      ),
    );

    const eventRow = (value: string, i: number) => {
      const label = shape.many ? `${shape.eventLabels[0]} ${i + 1}` : shape.eventLabels[i]!;
      const input = h('input', {
        name: 'event',
        list: EVENT_LIST_ID,
        value,
        autocomplete: 'off',
        'aria-label': label,
        placeholder: 'event name',
        spellcheck: 'false',
      });
      const remove =
        shape.many && q.events.length > shape.many.min
          ? h(
              'button',
              {
                type: 'button',
                class: 'icon-button remove-event',
                'aria-label': `Remove ${label.toLowerCase()}`,
                title: 'Remove',
                on: {
                  click: () => {
                    const now = read();
                    render({ ...now, events: now.events.filter((_, j) => j !== i) });
                  },
                },
              },
              '×',
            )
          : null;
      return h(
        'li',
        { class: 'event-row' },
        h('span', { class: 'event-label' }, label),
        input,
        remove,
        q.insight === 'trends' ? whereControls(q.where?.[i] ?? null, label) : null,
      );
    };
    const add =
      shape.many && q.events.length < shape.many.max
        ? h(
            'button',
            {
              type: 'button',
              class: 'button small add-event',
              on: {
                click: () => {
                  const now = read();
                  render({ ...now, events: [...now.events, ''] });
                  const inputs = form.querySelectorAll<HTMLInputElement>('input[name="event"]');
                  inputs[inputs.length - 1]?.focus();
                },
              },
            },
            `+ Add ${shape.many.noun}`,
          )
        : null;
    const events = h(
      'fieldset',
      { class: 'insight-events' },
      h(
        'legend',
        {},
        shape.many ? `${shape.eventLabels[0]}${shape.many.noun === 'step' ? 's' : ''}` : 'Events',
      ),
      h('ol', { class: 'event-list' }, q.events.map(eventRow)),
      add,
    );

    const options: HTMLElement[] = [];
    if (shape.breakdown) {
      options.push(
        field(
          'Breakdown',
          h('input', {
            name: 'breakdown',
            list: BREAKDOWN_LIST_ID,
            value: q.breakdown ?? '',
            placeholder: 'none',
            autocomplete: 'off',
            spellcheck: 'false',
          }),
          'breakdown',
        ),
      );
    }
    options.push(
      field('From', h('input', { type: 'date', name: 'from', value: q.from ?? '' }), 'from'),
      field('To', h('input', { type: 'date', name: 'to', value: q.to ?? '' }), 'to'),
    );
    if (shape.periods.length > 0) {
      options.push(
        field(
          q.insight === 'trends' ? 'Interval' : 'Period',
          h(
            'select',
            { name: 'interval' },
            shape.periods.map((p) => option(p, PERIOD_ADJECTIVE[p], p === q.interval)),
          ),
          'interval',
        ),
      );
    }
    if (shape.math) {
      options.push(
        field(
          'Measure',
          h(
            'select',
            { name: 'math' },
            MATHS.map((m) => option(m, MATH_WORDS[m], m === q.math)),
          ),
          'math',
        ),
      );
    }
    options.push(
      field(
        'Count',
        h(
          'select',
          { name: 'actor' },
          shape.actors.map((a) => option(a, actorPlural(a), a === q.actor)),
        ),
        'actor',
      ),
    );
    if (shape.steps) {
      options.push(
        field(
          'Steps',
          h('input', { type: 'number', name: 'steps', min: '2', max: '20', value: String(q.steps) }),
          'steps',
        ),
      );
    }

    const rerender = (change: (now: InsightQuery) => InsightQuery) => render(change(read()));
    const extra =
      q.insight === 'funnel'
        ? funnelControls(q, rerender)
        : q.insight === 'retention'
          ? retentionControls(q)
          : q.insight === 'paths'
            ? pathsControls(q)
            : [];
    options.push(...extra.filter((e) => !e.classList.contains('insight-wide')));

    replace(
      form,
      tabs,
      h(
        'div',
        { class: 'insight-controls' },
        events,
        h('div', { class: 'insight-options' }, options),
        ...extra.filter((e) => e.classList.contains('insight-wide')),
        h(
          'div',
          { class: 'insight-actions' },
          h('button', { type: 'submit', class: 'button primary' }, 'Run'),
          h('p', { class: 'form-error', role: 'alert' }),
        ),
      ),
    );
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = read();
    const error = form.querySelector<HTMLElement>('.form-error');
    const problem = q.events.some((e) => e === '')
      ? 'Name an event in every box, or remove the empty one.'
      : (q.exclusions ?? []).some((x) => x.event === '')
        ? 'Name the event of every exclusion, or remove the empty one.'
        : q.window !== undefined && !/^(?:\d+[smhdw])+$/.test(q.window)
          ? `The window "${q.window}" is not a duration: a number and a unit (m, h, d, w), e.g. 36h or 14d.`
          : q.events.some((e) => e === '')
            ? 'Name an event in every box, or remove the empty one.'
            : Boolean(q.from) !== Boolean(q.to)
              ? 'Give both dates of the range, or neither.'
              : q.from && q.to && q.from > q.to
                ? 'The range starts after it ends.'
                : '';
    if (error) error.textContent = problem;
    if (!problem) onSubmit(q);
  });

  render(initial);
  return { element: form, set: render };
}
