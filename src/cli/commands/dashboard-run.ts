import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QueryService } from '../../cube';
import { exportContext } from '../../dashboards/export/context';
import { svgSize } from '../../dashboards/export/tile';
import { filterValues } from '../../dashboards/filters';
import { loadDashboards } from '../../dashboards/load';
import { compileSpec, renderSvg } from '../../dashboards/render';
import { runDashboard } from '../../dashboards/run';
import { DashboardCatalog } from '../../dashboards/saved/catalog';
import { exportSpec } from '../../dashboards/web/shared/export-spec';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import { warehouseVersion } from '../../etl';
import { loadModel } from '../../model/load';
import { formatTable } from '../../util/text-table';
import { clockOf, projectRoot, warehousePath, withWarehouse } from '../context';
import { progress } from '../progress';
import { pngRenderer } from '../svg-to-png';

export interface RenderOptions {
  db?: string;
  out: string;
  filter: string[];
  png: boolean;
}

/** `name=value` pairs of dashboard filters, as the page's query string has them. */
function filterArgs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new AppError('VALIDATION_FAILED', `--filter takes name=value, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

const dir = () => join(projectRoot(), 'dashboards');

/**
 * The shipped dashboards and, when the warehouse exists, those saved in the browser beside them
 * (listing does not create a warehouse).
 */
export async function list(opts: { db?: string }): Promise<void> {
  const shipped = loadDashboards(dir()).map((d) => ({
    id: d.id,
    title: d.title,
    tiles: d.tiles.length,
    source: `dashboards/${d.id}.yml`,
  }));
  let saved: typeof shipped = [];
  if (existsSync(warehousePath(opts.db))) {
    try {
      saved = await withWarehouse(opts.db, async (engine) =>
        (await catalogOf(engine).saved()).map((d) => ({
          id: d.id,
          title: d.title,
          tiles: d.tiles.length,
          source: `saved by ${d.saved?.createdBy ?? 'unknown'}`,
        })),
      );
    } catch (e) {
      // A warehouse held by a running server still lets the shipped files be listed.
      console.error(`saved dashboards not listed: ${(e as Error).message}`);
    }
  }
  console.log(formatTable([...shipped, ...saved]));
}

/** Shipped and saved dashboards; the model is read only if a definition is checked (never here). */
const catalogOf = (engine: Engine) =>
  new DashboardCatalog(engine, dir(), () => loadModel(join(projectRoot(), 'cubes')));

export async function render(id: string, opts: RenderOptions): Promise<void> {
  const model = loadModel(join(projectRoot(), 'cubes'));
  await withWarehouse(opts.db, async (engine) => {
    const d = await catalogOf(engine).find(id);
    const out = resolve(opts.out, id);
    mkdirSync(out, { recursive: true });
    const version = await warehouseVersion(engine);
    const { now } = await clockOf(engine);
    const queries = new QueryService({ engine, model, version: () => version, now });
    const bar = progress(d.tiles.length + 1, `render ${id}`);
    bar.update(0, 'querying');
    const given = filterArgs(opts.filter);
    const result = await runDashboard({ queries, reports: { engine, model, now } }, d, given);
    const about = { dashboard: d, values: filterValues(d, given), model, now: now() };
    const png = opts.png ? await pngRenderer() : undefined;
    const written: { tile: string; files: string; note: string }[] = [];
    try {
      for (const [i, t] of result.tiles.entries()) {
        bar.update(i + 1, t.name);
        // The tile as it exports: its chart under a title block (dashboard, period, filters, units).
        const context = exportContext(about, t);
        const spec = t.error ? undefined : exportSpec(t, context);
        if (!spec) {
          const note = t.error ? `error ${t.error.code}: ${t.error.message}` : 'no chart';
          written.push({ tile: t.name, files: '', note });
          continue;
        }
        const warnings = compileSpec(spec).warnings;
        const svg = await renderSvg(spec);
        writeFileSync(join(out, `${t.name}.svg`), svg);
        const files = [`${t.name}.svg`];
        if (png) {
          const size = svgSize(svg);
          writeFileSync(join(out, `${t.name}.png`), await png.render(svg, size.width + 16, size.height + 16));
          files.push(`${t.name}.png`);
        }
        written.push({
          tile: t.name,
          files: files.join(' '),
          note: warnings.length ? `vega-lite: ${warnings.join('; ')}` : `${t.data.length} rows`,
        });
      }
    } finally {
      bar.stop();
      await png?.close();
    }
    console.log(formatTable(written));
    if (opts.png && !png) console.log('PNG skipped: no Chromium at /usr/bin/chromium (set CHROMIUM_PATH)');
    console.log(`written to ${out}`);
    if (written.some((w) => w.files === '')) process.exitCode = 1;
  });
}
