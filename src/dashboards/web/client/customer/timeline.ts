import type { TimelineEvent } from '../api-types';
import { h, replace } from '../core/dom';
import { formatNumber, formatTime, parseTime } from '../core/format';

export const KIND_LABELS: Readonly<Record<string, string>> = {
  // Every order, whatever became of it: the KPI above counts completed orders only.
  order: 'All orders',
  interaction: 'Interactions',
  campaign: 'Campaigns',
  web_session: 'Web sessions',
  deal: 'Deals',
  ticket: 'Tickets',
};

// Glyphs every system font has (emoji fonts are missing on many servers and in headless browsers).
const ICONS: Readonly<Record<string, string>> = {
  order: '€',
  interaction: '☎',
  campaign: '✉',
  web_session: '◎',
  deal: '◆',
  ticket: '⚑',
};

export interface OlderPage {
  readonly events: TimelineEvent[];
  readonly next: string | null;
}

const monthOf = (at: string) => formatTime(at, 'month');
const timeOfDay = (at: string) => {
  const d = parseTime(at);
  return d
    ? `${formatTime(at, 'day')}, ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
    : at;
};

function entry(e: TimelineEvent): HTMLElement {
  return h(
    'li',
    { class: ['timeline-entry', `kind-${e.kind}`, e.planned && 'is-planned'], dataset: { kind: e.kind } },
    h('span', { class: 'timeline-icon', 'aria-hidden': 'true' }, ICONS[e.kind] ?? '•'),
    h(
      'div',
      { class: 'timeline-body' },
      h(
        'p',
        { class: 'timeline-title' },
        h('span', {}, e.title),
        e.planned ? h('span', { class: 'badge planned' }, 'Planned') : null,
        e.status && !e.planned ? h('span', { class: 'badge' }, e.status.replaceAll('_', ' ')) : null,
      ),
      e.detail ? h('p', { class: 'timeline-detail muted' }, e.detail) : null,
    ),
    h(
      'div',
      { class: 'timeline-side' },
      e.amount !== null && e.amount !== undefined
        ? h('p', { class: 'timeline-amount' }, formatNumber(e.amount, 'currency'))
        : null,
      h('time', { class: 'muted small', datetime: e.at }, timeOfDay(e.at)),
    ),
  );
}

/**
 * Everything that happened with the customer, newest first and grouped by month: orders,
 * interactions (planned ones marked), campaigns, web sessions, deals and tickets. Kinds can be
 * switched off; older entries load page by page.
 */
export class Timeline {
  readonly element = h('section', { class: 'panel timeline', 'aria-label': 'Timeline' });
  private readonly hidden = new Set<string>();
  private loading = false;
  private failure = '';

  constructor(
    private events: TimelineEvent[],
    private next: string | null,
    private readonly loadOlder: (before: string) => Promise<OlderPage>,
    /** Entries of each kind over the whole timeline, from the warehouse (the page holds the newest). */
    private readonly totals: Readonly<Record<string, number>> = {},
  ) {
    this.draw();
  }

  private draw(): void {
    const sorted = [...this.events].sort((a, b) => b.at.localeCompare(a.at));
    const kinds = [...new Set([...Object.keys(KIND_LABELS), ...sorted.map((e) => e.kind)])];
    // The chips count the whole timeline, not the entries loaded so far.
    const counts = new Map<string, number>(Object.entries(this.totals));
    for (const e of sorted) if (!(e.kind in this.totals)) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
    const filters = h(
      'div',
      { class: 'timeline-filters', role: 'group', 'aria-label': 'Show kinds' },
      kinds
        .filter((k) => counts.has(k))
        .map((k) =>
          h(
            'button',
            {
              type: 'button',
              class: ['kind-toggle', !this.hidden.has(k) && 'is-on'],
              'aria-pressed': String(!this.hidden.has(k)),
              dataset: { kind: k },
              on: {
                click: () => {
                  if (this.hidden.has(k)) this.hidden.delete(k);
                  else this.hidden.add(k);
                  this.draw();
                },
              },
            },
            `${KIND_LABELS[k] ?? k} `,
            h('span', { class: 'count' }, String(counts.get(k))),
          ),
        ),
    );
    const shown = sorted.filter((e) => !this.hidden.has(e.kind));
    const groups: HTMLElement[] = [];
    let month = '';
    let list: HTMLElement | undefined;
    for (const e of shown) {
      if (monthOf(e.at) !== month || !list) {
        month = monthOf(e.at);
        list = h('ol', { class: 'timeline-list' });
        groups.push(h('div', { class: 'timeline-month' }, h('h3', { class: 'month-label' }, month), list));
      }
      list.appendChild(entry(e));
    }
    const more = this.next
      ? h(
          'button',
          { type: 'button', class: 'button', disabled: this.loading, on: { click: () => void this.more() } },
          this.loading ? 'Loading…' : 'Load older entries',
        )
      : null;
    replace(
      this.element,
      h('div', { class: 'timeline-head' }, h('h2', { class: 'panel-title' }, 'Timeline'), filters),
      h(
        'div',
        { class: 'timeline-scroll' },
        shown.length > 0
          ? groups
          : h('p', { class: 'muted empty-note' }, 'Nothing to show for the chosen kinds.'),
        more
          ? h('div', { class: 'timeline-more' }, more, h('p', { class: 'form-error' }, this.failure))
          : null,
      ),
    );
  }

  private async more(): Promise<void> {
    if (!this.next || this.loading) return;
    this.loading = true;
    this.draw();
    try {
      const page = await this.loadOlder(this.next);
      this.events = [...this.events, ...page.events];
      this.next = page.next;
      this.failure = '';
    } catch (e) {
      this.failure = `Older entries could not be loaded: ${(e as Error).message}`;
    } finally {
      this.loading = false;
      this.draw();
    }
  }
}
