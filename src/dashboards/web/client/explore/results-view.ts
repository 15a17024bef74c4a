import type { Row, SqlResponse } from '../api-types';
import { dataTable } from '../components/data-table';
import { emptyState, errorState } from '../components/states';
import { type ChartHandle, renderChart } from '../components/vega-chart';
import { h, replace } from '../core/dom';
import { formatNumber } from '../core/format';
import { resultChartSpec } from './result-chart';
import type { ResultColumns } from './result-fields';

export interface QueryRun {
  readonly rows: Row[];
  readonly columns: ResultColumns;
  readonly sql?: SqlResponse;
  readonly sqlError?: string;
  readonly ms: number;
}

type Tab = 'chart' | 'table' | 'sql';

function sqlView(run: QueryRun): HTMLElement {
  const q = run.sql?.queries[0];
  if (!q) return errorState('SQL', run.sqlError ?? 'The SQL is not available.');
  return h(
    'div',
    { class: 'sql-view' },
    h('pre', { class: 'sql-text' }, q.text),
    q.params.length > 0
      ? h(
          'p',
          { class: 'muted small' },
          'Parameters: ',
          q.params.map((p, i) =>
            h('code', {}, `$${i + 1} = ${JSON.stringify(p)}`, i < q.params.length - 1 ? ', ' : ''),
          ),
        )
      : null,
  );
}

/**
 * A run's results under tabs: the chart (drawn when its tab first shows, since a hidden
 * container has no width to fit), the table and the SQL.
 */
export class ResultsView {
  private chart?: ChartHandle;
  private tab: Tab = 'chart';
  /** The measure the chart shows, kept across runs while the query still has it. */
  private measure?: string;

  /** The chart settings a saved question keeps: the measure drawn. */
  get chartSettings(): Record<string, unknown> {
    return this.measure ? { measure: this.measure } : {};
  }

  /** Restores a saved question's chart settings before its first run. */
  set chartSettings(settings: Record<string, unknown>) {
    if (typeof settings['measure'] === 'string') this.measure = settings['measure'];
  }

  constructor(private readonly root: HTMLElement) {}

  showRun(run: QueryRun): void {
    this.chart?.finalize();
    this.chart = undefined;
    const measures = run.columns.measures;
    if (!measures.some((m) => m.name === this.measure)) this.measure = measures[0]?.name;
    const hasChart = measures.length > 0;
    if (!hasChart && this.tab === 'chart') this.tab = 'table';
    const panels: Record<Tab, HTMLElement> = {
      chart: h('div', { class: 'result-panel', dataset: { panel: 'chart' } }),
      table: h(
        'div',
        { class: 'result-panel', dataset: { panel: 'table' } },
        run.rows.length === 0
          ? emptyState('The query returned no rows.')
          : dataTable(run.columns.fields, run.rows),
      ),
      sql: h('div', { class: 'result-panel', dataset: { panel: 'sql' } }, sqlView(run)),
    };
    const measurePicker =
      measures.length > 1
        ? h(
            'label',
            { class: 'inline-label chart-measure' },
            'Chart ',
            h(
              'select',
              {
                'aria-label': 'Measure to chart',
                on: {
                  change: (e) => {
                    this.measure = (e.target as HTMLSelectElement).value;
                    this.chart?.finalize();
                    this.chart = undefined;
                    void drawChart();
                  },
                },
              },
              measures.map((m) => h('option', { value: m.name, selected: m.name === this.measure }, m.title)),
            ),
          )
        : null;
    const drawChart = async () => {
      const spec = resultChartSpec(run.columns, this.measure);
      if (this.chart || !spec) return;
      if (run.rows.length === 0) return replace(panels.chart, emptyState('The query returned no rows.'));
      const holder = h('div', { class: 'explore-chart' });
      replace(panels.chart, measurePicker, holder);
      try {
        this.chart = await renderChart(holder, spec, run.rows);
      } catch (e) {
        replace(panels.chart, errorState('CHART_FAILED', (e as Error).message));
      }
    };
    if (!hasChart) replace(panels.chart, emptyState('Add a measure to draw a chart.'));
    const buttons = (['chart', 'table', 'sql'] as const).map((t) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: 'tab',
          dataset: { tab: t },
          on: { click: () => select(t) },
        },
        t === 'sql' ? 'SQL' : t.charAt(0).toUpperCase() + t.slice(1),
      ),
    );
    const select = (t: Tab) => {
      this.tab = t;
      for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.tab === t));
      for (const [name, panel] of Object.entries(panels)) panel.hidden = name !== t;
      if (t === 'chart') void drawChart();
    };
    replace(
      this.root,
      h(
        'div',
        { class: 'results-header' },
        h('div', { class: 'tabs', role: 'tablist' }, buttons),
        h(
          'p',
          { class: 'muted small result-count' },
          `${formatNumber(run.rows.length, 'integer')} row${run.rows.length === 1 ? '' : 's'} · ${Math.round(run.ms)} ms`,
        ),
      ),
      Object.values(panels),
    );
    select(this.tab);
  }

  showError(code: string, message: string): void {
    this.chart?.finalize();
    this.chart = undefined;
    replace(this.root, errorState(code, message));
  }

  showMessage(text: string): void {
    replace(this.root, h('div', { class: 'results-placeholder' }, h('p', { class: 'muted' }, text)));
  }
}
