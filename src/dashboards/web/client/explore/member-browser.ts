import { h, replace } from '../core/dom';
import { type CatalogMember, type MemberCatalog, type MemberKind, matches } from './member-catalog';
import type { ExploreQuery } from './query-model';

const ICONS: Readonly<Record<MemberKind, string>> = {
  measure: 'Σ',
  dimension: 'Aa',
  time: '◷',
  segment: '◎',
};
const SECTIONS: readonly [string, readonly MemberKind[]][] = [
  ['Measures', ['measure']],
  ['Dimensions', ['dimension', 'time']],
  ['Segments', ['segment']],
];

export function isSelected(q: ExploreQuery, m: CatalogMember): boolean {
  switch (m.kind) {
    case 'measure':
      return q.measures.includes(m.name);
    case 'dimension':
      return q.dimensions.includes(m.name);
    case 'time':
      return q.time?.dimension === m.name || q.dimensions.includes(m.name);
    case 'segment':
      return q.segments.includes(m.name);
  }
}

/**
 * The sidebar: every cube's measures, dimensions and segments, with a search over names and
 * titles. A click adds a member to the query or takes it out; a time dimension becomes the
 * query's time axis.
 */
export function memberBrowser(
  root: HTMLElement,
  catalog: MemberCatalog,
  onToggle: (m: CatalogMember) => void,
): { update(q: ExploreQuery): void } {
  const opened = new Set<string>();
  let query: ExploreQuery | undefined;
  const list = h('div', { class: 'member-groups' });
  const search = h('input', {
    type: 'search',
    class: 'member-search',
    placeholder: 'Search measures and dimensions…',
    'aria-label': 'Search measures and dimensions',
    on: { input: () => draw() },
  });

  const item = (m: CatalogMember) => {
    const on = query ? isSelected(query, m) : false;
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: ['member', `kind-${m.kind}`, on && 'is-selected'],
          'aria-pressed': String(on),
          title: [m.name, m.description].filter(Boolean).join('\n'),
          dataset: { member: m.name },
          on: { click: () => onToggle(m) },
        },
        h('span', { class: 'member-icon', 'aria-hidden': 'true' }, ICONS[m.kind]),
        h('span', { class: 'member-title' }, m.shortTitle),
      ),
    );
  };

  function draw(): void {
    const text = search.value.trim();
    const groups = catalog.cubes.flatMap((c) => {
      const members = text ? c.members.filter((m) => matches(m, c.title, text)) : c.members;
      if (members.length === 0) return [];
      const details = h(
        'details',
        { class: 'cube-group', open: text !== '' || opened.has(c.name) },
        h(
          'summary',
          {},
          h('span', {}, c.title),
          h(
            'span',
            { class: 'count' },
            String(members.filter((m) => query && isSelected(query, m)).length || ''),
          ),
        ),
        SECTIONS.map(([label, kinds]) => {
          const shown = members.filter((m) => kinds.includes(m.kind));
          return shown.length === 0
            ? null
            : h(
                'div',
                { class: 'member-section' },
                h('p', { class: 'section-label' }, label),
                h('ul', {}, shown.map(item)),
              );
        }),
      );
      details.addEventListener('toggle', () => {
        if (text) return;
        if (details.open) opened.add(c.name);
        else opened.delete(c.name);
      });
      return [details];
    });
    replace(list, groups.length > 0 ? groups : h('p', { class: 'muted small' }, 'Nothing matches.'));
  }

  replace(root, search, list);
  return {
    update(q) {
      query = q;
      for (const c of catalog.cubes) if (c.members.some((m) => isSelected(q, m))) opened.add(c.name);
      draw();
    },
  };
}
