import type { BuilderPageData, TileDefinition } from '../../shared/builder-data';
import type { Meta } from '../api-types';
import { ApiError, deleteResource, getJson, postJson, putJson } from '../core/api';
import { h, must, replace } from '../core/dom';
import { readPageData } from '../core/page-data';
import { type CatalogMember, MemberCatalog } from '../explore/member-catalog';
import { addTile, heightOf, moveTile, removeTile, resizeTile, widthOf } from './layout';
import { type QuestionSummary, queryTile, questionTile } from './tile-sources';

type Filter = Record<string, unknown> & { name: string; type: string };

const RANGES = ['last 12 months', 'last 24 months', 'this year', 'last year', 'this quarter', 'last month'];
const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'];

function option(value: string, label: string, selected = false): HTMLOptionElement {
  return h('option', { value, selected: selected || undefined }, label);
}

function labelled(label: string, control: HTMLElement): HTMLLabelElement {
  return h('label', { class: 'builder-field' }, h('span', { class: 'label' }, label), control);
}

/**
 * The dashboard builder: title and description, filters (a date range, dimension filters),
 * tiles added from a cube query, a saved question or a shipped dashboard's tile, arranged on the
 * 12-column grid with buttons (move earlier/later, narrower/wider, shorter/taller: focusable,
 * so the keyboard does all of it), saved through /v1/dashboards. The server checks the result as
 * `rapport check` checks a file and its message is shown as it comes.
 */
export function mountBuilderPage(): void {
  const data = readPageData<BuilderPageData>();
  const root = must('.builder');
  const status = must('.builder-status', root);
  const editing = data.dashboard?.id;
  const given = (data.dashboard?.definition ?? {}) as Record<string, unknown>;
  let tiles: TileDefinition[] = [...((given['tiles'] as TileDefinition[] | undefined) ?? [])];
  let filters: Filter[] = [...((given['filters'] as Filter[] | undefined) ?? [])];
  let catalog: MemberCatalog | undefined;

  const title = h('input', {
    type: 'text',
    name: 'title',
    value: String(given['title'] ?? ''),
    required: true,
  });
  const description = h('textarea', { name: 'description', rows: 2 }, String(given['description'] ?? ''));
  const grid = h('div', { class: 'builder-grid', role: 'list', 'aria-label': 'Tiles on the grid' });
  const filterList = h('div', { class: 'builder-filters' });

  const tell = (text: string, kind: 'info' | 'error' = 'info') =>
    replace(status, h('p', { class: ['builder-message', kind === 'error' && 'is-error'] }, text));

  // ---- the grid
  function tileCard(t: TileDefinition, i: number): HTMLElement {
    const act = (label: string, text: string, fn: () => TileDefinition[], action: string) =>
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          'aria-label': `${label}: ${t.title}`,
          title: label,
          dataset: { action },
          on: {
            click: () => {
              tiles = fn();
              drawGrid();
              grid
                .querySelector<HTMLElement>(`[data-tile="${CSS.escape(t.name)}"] [data-action="${action}"]`)
                ?.focus();
            },
          },
        },
        text,
      );
    const kind = String(t['chart'] ?? 'custom');
    const source = t['report'] ? `report ${String(t['report'])}` : 'query';
    return h(
      'article',
      {
        class: 'builder-tile',
        role: 'listitem',
        dataset: { tile: t.name, width: String(widthOf(t)), height: String(heightOf(t)) },
        style: { '--tile-width': String(widthOf(t)), '--tile-height': String(heightOf(t)) },
      },
      h('h3', { class: 'builder-tile-title' }, t.title),
      h('p', { class: 'muted builder-tile-meta' }, `${kind} · ${source} · ${widthOf(t)}×${heightOf(t)}`),
      h(
        'div',
        { class: 'builder-tile-controls' },
        act('Move earlier', '←', () => moveTile(tiles, i, -1), 'earlier'),
        act('Move later', '→', () => moveTile(tiles, i, 1), 'later'),
        act('Narrower', '−W', () => resizeTile(tiles, i, -1, 0), 'narrower'),
        act('Wider', '+W', () => resizeTile(tiles, i, 1, 0), 'wider'),
        act('Shorter', '−H', () => resizeTile(tiles, i, 0, -1), 'shorter'),
        act('Taller', '+H', () => resizeTile(tiles, i, 0, 1), 'taller'),
        act('Remove', 'Remove', () => removeTile(tiles, i), 'remove'),
      ),
    );
  }

  function drawGrid(): void {
    replace(
      grid,
      tiles.length === 0
        ? h('p', { class: 'empty-note' }, 'No tiles yet: add one from the panel.')
        : tiles.map(tileCard),
    );
  }

  // ---- filters
  function drawFilters(): void {
    const dated = filters.find((f) => f.type === 'date_range');
    const toggle = h('input', {
      type: 'checkbox',
      name: 'date-filter',
      checked: dated !== undefined,
      on: {
        change: () => {
          filters = toggle.checked
            ? [{ name: 'period', type: 'date_range', title: 'Period', default: 'last 12 months' }, ...filters]
            : filters.filter((f) => f.type !== 'date_range');
          drawFilters();
        },
      },
    });
    const range = h(
      'select',
      {
        name: 'date-default',
        disabled: dated === undefined,
        on: {
          change: () => {
            filters = filters.map((f) => (f.type === 'date_range' ? { ...f, default: range.value } : f));
          },
        },
      },
      RANGES.map((r) => option(r, r, dated?.['default'] === r)),
    );
    const dims = filters
      .filter((f) => f.type === 'dimension')
      .map((f) =>
        h(
          'li',
          { class: 'builder-filter', dataset: { filter: f.name } },
          h('span', {}, String(f['title'] ?? f['dimension'])),
          h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              'aria-label': `Remove filter ${String(f['dimension'])}`,
              on: {
                click: () => {
                  filters = filters.filter((x) => x !== f);
                  drawFilters();
                },
              },
            },
            'Remove',
          ),
        ),
      );
    const pick = h(
      'select',
      { name: 'dimension-filter' },
      option('', 'Add a dimension filter…'),
      (catalog?.cubes ?? []).flatMap((c) =>
        c.members.filter((m) => m.kind === 'dimension').map((m) => option(m.name, `${c.title}: ${m.title}`)),
      ),
    );
    pick.addEventListener('change', () => {
      const member = catalog?.cubes.flatMap((c) => c.members).find((m) => m.name === pick.value);
      if (!member) return;
      // Named as the URL will show it (`?region=…`): the member's own name, else with its cube's.
      const short = member.name.split('.')[1]!;
      const name = filters.some((f) => f.name === short) ? member.name.replace('.', '_') : short;
      if (!filters.some((f) => f['dimension'] === member.name))
        filters = [...filters, { name, type: 'dimension', dimension: member.name, title: member.shortTitle }];
      drawFilters();
    });
    replace(
      filterList,
      h('label', { class: 'builder-check' }, toggle, ' Date range filter, by default '),
      range,
      h('ul', { class: 'builder-filter-list' }, dims),
      pick,
    );
  }

  // ---- adding tiles
  const add = (t: TileDefinition) => {
    tiles = addTile(tiles, t);
    drawGrid();
    tell(`Added “${t.title}”.`);
  };
  const taken = () => tiles.map((t) => t.name);

  function queryForm(): HTMLElement {
    const members = (kind: CatalogMember['kind']) =>
      (catalog?.cubes ?? []).flatMap((c) =>
        c.members.filter((m) => m.kind === kind).map((m) => option(m.name, `${c.title}: ${m.title}`)),
      );
    const tileTitle = h('input', { type: 'text', name: 'tile-title', placeholder: 'Revenue by month' });
    const measure = h('select', { name: 'measure' }, members('measure'));
    // Revenue is what most tiles show first; the catalogue's first measure is whatever sorts first.
    if ([...measure.options].some((o) => o.value === 'orders.revenue')) measure.value = 'orders.revenue';
    const dimension = h('select', { name: 'dimension' }, option('', '(none)'), members('dimension'));
    const time = h('select', { name: 'time' }, option('', '(none)'), members('time'));
    const granularity = h(
      'select',
      { name: 'granularity' },
      GRANULARITIES.map((g) => option(g, g, g === 'month')),
    );
    const chart = h(
      'select',
      { name: 'chart' },
      ['kpi', 'line', 'bar', 'table'].map((c) => option(c, c, c === 'line')),
    );
    const form = h(
      'form',
      { class: 'builder-panel', 'aria-label': 'A tile from a cube query' },
      h('h2', {}, 'From a cube query'),
      labelled('Title', tileTitle),
      labelled('Measure', measure),
      labelled('By', dimension),
      labelled('Over time', time),
      labelled('Granularity', granularity),
      labelled('Chart', chart),
      h('button', { type: 'submit', class: 'button', dataset: { action: 'add-query-tile' } }, 'Add tile'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!measure.value) return tell('Pick a measure.', 'error');
      const label = measure.selectedOptions[0]?.textContent?.split(': ').pop() ?? measure.value;
      add(
        queryTile(
          {
            title: tileTitle.value.trim() || label,
            measure: measure.value,
            dimension: dimension.value || undefined,
            time: time.value ? { dimension: time.value, granularity: granularity.value } : undefined,
            chart: chart.value as 'kpi' | 'line' | 'bar' | 'table',
          },
          taken(),
        ),
      );
    });
    return form;
  }

  function questionForm(questions: readonly QuestionSummary[] | string): HTMLElement {
    const form = h(
      'form',
      { class: 'builder-panel', 'aria-label': 'A tile from a saved question' },
      h('h2', {}, 'From a saved question'),
    );
    if (typeof questions === 'string') {
      form.append(h('p', { class: 'muted' }, questions));
      return form;
    }
    const pick = h(
      'select',
      { name: 'question' },
      questions.map((q) => option(q.id, q.name)),
    );
    form.append(
      labelled('Question', pick),
      h('button', { type: 'submit', class: 'button', dataset: { action: 'add-question-tile' } }, 'Add tile'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const q = questions.find((x) => x.id === pick.value);
      if (q) add(questionTile(q, taken()));
    });
    return form;
  }

  function libraryForm(): HTMLElement {
    const board = h(
      'select',
      { name: 'library-dashboard' },
      data.library.map((d) => option(d.id, d.title)),
    );
    const tile = h('select', { name: 'library-tile' });
    const fill = () => {
      const d = data.library.find((x) => x.id === board.value);
      replace(
        tile,
        (d?.tiles ?? []).map((t) => option(t.name, t.title)),
      );
    };
    board.addEventListener('change', fill);
    fill();
    const form = h(
      'form',
      { class: 'builder-panel', 'aria-label': 'A tile from a dashboard' },
      h('h2', {}, 'From a dashboard (reports too)'),
      labelled('Dashboard', board),
      labelled('Tile', tile),
      h('button', { type: 'submit', class: 'button', dataset: { action: 'add-library-tile' } }, 'Add tile'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const t = data.library.find((x) => x.id === board.value)?.tiles.find((x) => x.name === tile.value);
      if (t) add(structuredClone(t));
    });
    return form;
  }

  // ---- saving
  function definition(): Record<string, unknown> {
    const out: Record<string, unknown> = { title: title.value.trim() };
    if (description.value.trim()) out['description'] = description.value.trim();
    if (filters.length > 0) out['filters'] = filters;
    out['tiles'] = tiles;
    return out;
  }

  async function save(): Promise<void> {
    if (!title.value.trim()) return tell('Give the dashboard a title.', 'error');
    if (tiles.length === 0) return tell('Add at least one tile.', 'error');
    try {
      const saved = editing
        ? await putJson<{ id: string; url: string }>(
            `/v1/dashboards/${encodeURIComponent(editing)}`,
            definition(),
          )
        : await postJson<{ id: string; url: string }>('/v1/dashboards', definition());
      root.dataset.saved = saved.id;
      window.location.assign(saved.url);
    } catch (e) {
      tell(e instanceof ApiError ? e.message : String(e), 'error');
    }
  }

  async function remove(): Promise<void> {
    if (!editing || !window.confirm('Delete this dashboard? This cannot be undone.')) return;
    try {
      await deleteResource(`/v1/dashboards/${encodeURIComponent(editing)}`);
      window.location.assign('/');
    } catch (e) {
      tell(e instanceof ApiError ? e.message : String(e), 'error');
    }
  }

  replace(
    must('.builder-actions', root),
    editing
      ? h('a', { class: 'button', href: `/dashboards/${encodeURIComponent(editing)}` }, 'Cancel')
      : h('a', { class: 'button', href: '/' }, 'Cancel'),
    editing
      ? h(
          'button',
          {
            type: 'button',
            class: 'button',
            dataset: { action: 'delete' },
            on: { click: () => void remove() },
          },
          'Delete',
        )
      : null,
    h(
      'button',
      {
        type: 'button',
        class: 'button primary',
        dataset: { action: 'save' },
        on: { click: () => void save() },
      },
      'Save',
    ),
  );
  drawGrid();

  void (async () => {
    try {
      catalog = new MemberCatalog(await getJson<Meta>('/v1/meta'));
    } catch (e) {
      tell(`The model could not be read: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
    let questions: QuestionSummary[] | string;
    try {
      questions = (await getJson<{ data: QuestionSummary[] }>('/v1/questions')).data;
      if (questions.length === 0) questions = 'No saved questions yet: save one in Explore.';
    } catch {
      questions = 'Saved questions are not available.';
    }
    replace(
      must('.builder-main', root),
      h(
        'div',
        { class: 'builder-panel builder-about' },
        labelled('Title', title),
        labelled('Description', description),
        h('h2', {}, 'Filters'),
        filterList,
      ),
      h('h2', { class: 'builder-grid-heading' }, 'Tiles'),
      grid,
    );
    replace(must('.builder-side', root), queryForm(), questionForm(questions), libraryForm());
    drawFilters();
    root.dataset.state = 'ready';
  })();
}
