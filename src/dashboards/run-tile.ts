import { annotationOf } from '../cube';
import type { Row } from '../engine';
import { AppError, ERROR_CATALOGUE } from '../errors';
import type { CubeQuery } from '../query/schema';
import { assertReportRunsOn } from '../reports/common/definition';
import { parseParams } from '../reports/common/params';
import { getReport } from '../reports/registry';
import type { FieldInfo, VegaLiteSpec } from './charts/fields';
import { withLabels } from './charts/labels';
import { shorthandSpec } from './charts/shorthand';
import { type AppliedFilter, type DateRange, timeOf, withDateRange } from './filters';
import { kpiWithComparisons } from './kpi';
import type { Tile } from './schema';
import type { DashboardServices } from './services';
import { chartInput, queryFields, reportFields } from './tile-data';
import type { Kpi } from './web/shared/tile-types';

export type { DashboardServices };

/** One click of a drill-down: the member clicked and the row it was clicked on. */
export interface DrillStep {
  readonly member: string;
  readonly row: Readonly<Record<string, unknown>>;
}

export interface TileResult {
  name: string;
  title: string;
  description?: string;
  chart: string;
  width: number;
  height: number;
  /** The Vega-Lite spec with the rows inline (`data.values`). */
  spec?: VegaLiteSpec;
  data: Row[];
  fields: FieldInfo[];
  /** The query the tile ran, filters applied: what drill-down starts from. */
  query?: CubeQuery;
  report?: string;
  params?: Record<string, unknown>;
  kpi?: Kpi;
  /** The row field whose value a click picks to save as a target group (report tiles). */
  save_segment?: { field: string };
  /** What a click on a mark drills into (query tiles with a hierarchy level or a time bucket). */
  drill?: { member: string; to: string };
  /** The drill-down steps taken to reach this view, outermost first. */
  drilled?: { member: string; value: unknown }[];
  /** Dashboard filters that restricted the tile, and those that do not apply to it. */
  applied: string[];
  ignored: string[];
  error?: { code: string; message: string };
}

const rangeValues = (r: DateRange) => (typeof r === 'string' ? [r] : [...r]);

async function queryTile(
  s: DashboardServices,
  tile: Tile,
  filters: readonly AppliedFilter[],
  out: TileResult,
  drill: readonly DrillStep[],
) {
  let query = tile.query!;
  const time = timeOf(tile);
  let range: DateRange | undefined;
  for (const f of filters) {
    if (f.range !== undefined) {
      if (!tile.use_date_filter || !time) out.ignored.push(f.filter.name);
      else {
        query = withDateRange(query, time, f.range);
        range = f.range;
        out.applied.push(f.filter.name);
      }
      continue;
    }
    const candidate = { ...query, filters: [...query.filters, f.cube!] };
    try {
      s.queries.prepare(candidate);
      query = candidate;
      out.applied.push(f.filter.name);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      out.ignored.push(f.filter.name);
    }
  }
  for (const step of drill) query = s.queries.drill(query, step.member, { ...step.row });
  if (drill.length > 0) out.drilled = drill.map((d) => ({ member: d.member, value: d.row[d.member] }));
  if (tile.chart !== 'kpi') out.drill = s.queries.drillTarget(query);
  if (tile.chart === 'kpi' && range !== undefined && time) {
    const logical = s.queries.prepare(query).parts[0]!.logical;
    const measureName = logical.groups[0]!.measures[0]!.alias;
    const annotated = queryFields({ annotation: annotationOf(s.queries.model, logical) });
    const field = annotated.fields.get(measureName)!;
    const result = await kpiWithComparisons(
      s,
      query,
      time,
      range,
      {
        name: measureName,
        format: tile.format ?? field.format,
        unit: field.unit,
        better: field.better ?? 'higher',
      },
      tile.compare,
    );
    out.query = result.query;
    out.data = result.rows;
    out.fields = [...annotated.fields.values()];
    out.kpi = result.kpi;
    return chartInput(tile, result.rows, annotated);
  }
  const result = (await s.queries.load(query)).results[0]!;
  out.query = query;
  out.data = result.data;
  const typed = queryFields(result);
  out.fields = [...typed.fields.values()];
  if (tile.chart === 'kpi') {
    const measure = typed.measures[0]!;
    const field = typed.fields.get(measure);
    const v = result.data[0]?.[measure];
    out.kpi = {
      value: v === undefined || v === null ? null : Number(v),
      format: tile.format ?? field?.format,
      unit: field?.unit,
      better: field?.better ?? 'higher',
      comparisons: [],
    };
  }
  return chartInput(tile, result.data, typed);
}

async function reportTile(
  s: DashboardServices,
  tile: Tile,
  filters: readonly AppliedFilter[],
  out: TileResult,
) {
  const report = getReport(tile.report!);
  assertReportRunsOn(report, s.reports);
  const base = { ...tile.params } as Record<string, unknown>;
  const population = (extra: unknown[]) => ({
    ...base,
    filters: [...((base['filters'] as unknown[]) ?? []), ...extra],
  });
  const accepted: unknown[] = [];
  /** The accepted filters, by dashboard filter name and whether it is the date filter. */
  const acceptedBy: { name: string; dated: boolean; extra: unknown }[] = [];
  for (const f of filters) {
    const extra =
      f.range !== undefined
        ? tile.use_date_filter && tile.time
          ? { member: tile.time, operator: 'inDateRange', values: rangeValues(f.range) }
          : undefined
        : f.cube;
    if (extra === undefined) {
      out.ignored.push(f.filter.name);
      continue;
    }
    try {
      parseParams(report.schema, population([...accepted, extra]), report.name);
      accepted.push(extra);
      acceptedBy.push({ name: f.filter.name, dated: f.range !== undefined, extra });
      out.applied.push(f.filter.name);
    } catch {
      out.ignored.push(f.filter.name);
    }
  }
  let params = parseParams(report.schema, population(accepted), report.name);
  const output = await report.run(s.reports, params).catch(async (e: unknown) => {
    // A dimension filter the report's fact does not reach: run without the dimension filters,
    // keeping the period (a tile must not silently show all time), else without any.
    if (!(e instanceof AppError) || e.code !== 'INVALID_QUERY' || accepted.length === 0) throw e;
    const dated = acceptedBy.filter((a) => a.dated);
    if (dated.length > 0 && dated.length < acceptedBy.length) {
      try {
        params = parseParams(report.schema, population(dated.map((a) => a.extra)), report.name);
        const result = await report.run(s.reports, params);
        const dropped = acceptedBy.filter((a) => !a.dated).map((a) => a.name);
        out.applied.splice(0, out.applied.length, ...out.applied.filter((n) => !dropped.includes(n)));
        out.ignored.push(...dropped);
        return result;
      } catch (again) {
        if (!(again instanceof AppError) || again.code !== 'INVALID_QUERY') throw again;
      }
    }
    out.ignored.push(...out.applied.splice(0));
    params = parseParams(report.schema, base, report.name);
    return report.run(s.reports, params);
  });
  out.report = report.name;
  out.params = params as Record<string, unknown>;
  // `data` names a list in the report's JSON; a dotted name reaches into it (`correlation.events`).
  const picked = tile.data
    ? tile.data
        .split('.')
        .reduce<unknown>(
          (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
          output.json,
        )
    : undefined;
  const rows = (Array.isArray(picked) ? picked : output.rows.data) as Row[];
  const columns = Array.isArray(picked) ? Object.keys(rows[0] ?? {}) : [...output.rows.columns];
  out.data = rows;
  const given = params as Record<string, unknown>;
  const measure = typeof given['measure'] === 'string' ? given['measure'] : undefined;
  const [cube, name] = measure?.split('.') ?? [];
  const measureFormat = s.reports.model.cubes.get(cube ?? '')?.measures.get(name ?? '')?.format;
  const typed = reportFields(rows, columns, tile, measureFormat);
  out.fields = [...typed.fields.values()];
  return chartInput(tile, rows, typed);
}

/**
 * Runs one tile with the dashboard's filters: the data, the typed fields, the Vega-Lite spec
 * with the rows inline, and for KPI tiles the deltas. A failing tile carries its error instead
 * of failing the dashboard (the page shows it in place).
 */
export async function runTile(
  s: DashboardServices,
  tile: Tile,
  filters: readonly AppliedFilter[],
  drill: readonly DrillStep[] = [],
): Promise<TileResult> {
  const out: TileResult = {
    name: tile.name,
    title: tile.title,
    description: tile.description,
    chart: tile.chart ?? 'custom',
    width: tile.width,
    height: tile.height,
    data: [],
    fields: [],
    applied: [],
    ignored: [],
    ...(tile.save_segment ? { save_segment: tile.save_segment } : {}),
  };
  try {
    if (drill.length > 0 && !tile.query)
      throw new AppError('INVALID_QUERY', `tile "${tile.name}" shows a report: it has no drill-down`);
    const input = tile.query
      ? await queryTile(s, tile, filters, out, drill)
      : await reportTile(s, tile, filters, out);
    const spec = tile.vega_lite
      ? { ...tile.vega_lite }
      : shorthandSpec(
          tile.chart!,
          input,
          out.fields.map((f) => f.name),
        );
    out.spec = withLabels({ ...spec, data: { values: out.data } }, out.fields, out.data);
  } catch (e) {
    out.error = tileError(e);
  }
  return out;
}

/** Errors a tile may show as they are: the user's mistakes and the server's own limits. */
const SHOWN_AS_IS = new Set(['QUERY_TIMEOUT', 'SERVER_BUSY']);

/**
 * What a failed tile says. A user's mistake (4xx) says what is wrong; an engine failure or a
 * bug only its code, since its text may quote the engine (SQL, tables, internals).
 */
function tileError(e: unknown): { code: string; message: string } {
  if (e instanceof AppError && (e.status < 500 || SHOWN_AS_IS.has(e.code))) {
    return { code: e.code, message: e.message };
  }
  if (e instanceof AppError) return { code: e.code, message: ERROR_CATALOGUE[e.code].title };
  return { code: 'INTERNAL', message: 'The tile failed unexpectedly' };
}
