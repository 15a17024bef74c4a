import type { QueryService } from '../cube';
import { dashboardFactTables, dataAsOf, tileFactTables } from '../dashboards/data-as-of';
import { exportContext } from '../dashboards/export/context';
import { tileCsv, tileSvg } from '../dashboards/export/tile';
import { filterValues } from '../dashboards/filters';
import { runDashboard } from '../dashboards/run';
import type { DashboardCatalog } from '../dashboards/saved/catalog';
import type { Dashboard, Tile } from '../dashboards/schema';
import { AppError } from '../errors';
import { getQuestion } from '../questions/store';
import type { ReportContext } from '../reports/common/context';
import { rowsToCsv } from '../reports/common/csv';
import type { Attachment, DeliveryMessage } from './message';
import { dashboardPage, type PageTile } from './page-html';
import { renderPage } from './render';
import type { DeliverySettings } from './settings';

/** What composing a message needs: the query service and report context of the app. */
export interface ComposeDeps {
  /** The shipped YAML dashboards and those saved in the browser, one namespace of ids. */
  readonly dashboards: DashboardCatalog;
  readonly queries: QueryService;
  readonly reports: ReportContext;
  readonly settings: DeliverySettings;
}

/** Filter values as the web page's query string reads them (`region=A,B`). */
function queryString(filters: Readonly<Record<string, unknown>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const link = (s: DeliverySettings, path: string) => (s.baseUrl ? `${s.baseUrl}${path}` : undefined);

/** A KPI's headline for the message text: "Revenue: 1,234.5 EUR". */
function headline(title: string, value: number | null, unit?: string): string {
  const n =
    value === null ? 'no value' : new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(value);
  return `${title}: ${n}${unit && value !== null ? ` ${unit}` : ''}`;
}

/**
 * A dashboard as a delivery, run as whoever is in scope (the subscription's owner): PNG and PDF
 * of the page (Chromium), each tile's rows as CSV (the same CSV as GET /v1/dashboards/:id/tiles/
 * NAME.csv with these filters), the KPI headlines in the text, "data as of" and a link back.
 */
export async function dashboardMessage(
  deps: ComposeDeps,
  dashboardId: string,
  filters: Readonly<Record<string, unknown>>,
  subject: string,
): Promise<DeliveryMessage> {
  const d: Dashboard = await deps.dashboards.find(dashboardId);
  const result = await runDashboard({ queries: deps.queries, reports: deps.reports }, d, filters);
  const values = filterValues(d, filters);
  const model = deps.reports.model;
  const asOf = await dataAsOf(deps.reports.engine, dashboardFactTables(model, d));
  const attachments: Attachment[] = [];
  const tiles: PageTile[] = [];
  const kpis: string[] = [];
  let filterLines: string[] = [];
  for (const t of result.tiles) {
    if (t.error) {
      tiles.push({ title: t.title, width: t.width, note: `not shown: ${t.error.message}` });
      continue;
    }
    const about = exportContext({ dashboard: d, values, model, now: deps.reports.now() }, t);
    if (filterLines.length === 0 && about.filters.length > 0) filterLines = [...about.filters];
    attachments.push({
      filename: `${t.name}.csv`,
      contentType: 'text/csv',
      content: Buffer.from(tileCsv(t, about, { headers: 'names', context: false }), 'utf8'),
    });
    if (t.kpi) kpis.push(headline(t.title, t.kpi.value, t.kpi.unit));
    tiles.push({ title: t.title, width: t.width, svg: await tileSvg(t, about) });
  }
  const lines = [...filterLines, `Data as of ${asOf ?? 'unknown'}`];
  const rendered = await renderPage(dashboardPage({ title: d.title, lines, tiles }), deps.settings.chromium);
  const images =
    'png' in rendered
      ? [
          { filename: `${d.id}.png`, contentType: 'image/png', content: rendered.png },
          { filename: `${d.id}.pdf`, contentType: 'application/pdf', content: rendered.pdf },
        ]
      : [];
  return {
    subject,
    text: [`${d.title}${filterLines.length ? ` (${filterLines.join('; ')})` : ''}`, ...kpis].join('\n'),
    link: link(deps.settings, `/dashboards/${encodeURIComponent(d.id)}${queryString(filters)}`),
    attachments: [...images, ...attachments],
    dataAsOf: asOf,
    ...('missing' in rendered ? { note: rendered.missing } : {}),
    data: {
      dashboard: d.id,
      title: d.title,
      filters: values,
      tiles: result.tiles.map((t) => ({
        name: t.name,
        title: t.title,
        ...(t.kpi ? { value: t.kpi.value, unit: t.kpi.unit ?? null } : {}),
        columns: t.fields.map((f) => f.name),
        rows: t.data,
        ...(t.error ? { error: t.error.message } : {}),
      })),
    },
  };
}

/** A saved question as a delivery, run as whoever is in scope: its rows as CSV and as data. */
export async function questionMessage(
  deps: ComposeDeps,
  questionId: string,
  subject: string,
): Promise<DeliveryMessage> {
  const q = await getQuestion(deps.reports.engine, questionId);
  if (!q) throw new AppError('NOT_FOUND', `no saved question "${questionId}"`, { question: questionId });
  const result = (await deps.queries.load(q.query)).results[0];
  if (!result) throw new AppError('INVALID_QUERY', `question "${q.id}" answered no result`);
  const columns = [
    ...new Set([
      ...Object.keys(result.annotation?.dimensions ?? {}),
      ...Object.keys(result.annotation?.timeDimensions ?? {}),
      ...Object.keys(result.annotation?.measures ?? {}),
    ]),
  ];
  const cols = columns.length > 0 ? columns : Object.keys(result.data[0] ?? {});
  const rows = result.data as Record<string, unknown>[];
  // The facts the question's members read, found as for a dashboard tile made of its query.
  const asOf = await dataAsOf(
    deps.reports.engine,
    tileFactTables(deps.reports.model, { query: q.query } as unknown as Tile),
  );
  return {
    subject,
    text: `${q.name}${q.description ? `: ${q.description}` : ''}\n${rows.length} rows (attached as CSV)`,
    link: link(deps.settings, `/explore?question=${encodeURIComponent(q.id)}`),
    attachments: [
      {
        filename: `${q.id}.csv`,
        contentType: 'text/csv',
        content: Buffer.from(rowsToCsv({ columns: cols, data: rows as never }), 'utf8'),
      },
    ],
    dataAsOf: asOf,
    note: 'a chart image of a question is not rendered yet; the rows are attached as CSV',
    data: { question: q.id, name: q.name, columns: cols, rows },
  };
}
