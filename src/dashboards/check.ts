import { basename } from 'node:path';
import { annotationOf, resolveCubeQuery } from '../cube';
import { ConfigError, isAppError, type Problem } from '../errors';
import { findDimension } from '../model/lookup';
import type { Model } from '../model/types';
import { parseParams } from '../reports/common/params';
import { REPORTS } from '../reports/registry';
import { readYamlFile, type YamlFile } from '../util/yaml-file';
import { shorthandSpec } from './charts/shorthand';
import { timeOf } from './filters';
import { parseDashboard } from './load';
import { compileSpec } from './render';
import type { Dashboard } from './schema';
import { chartInput, queryFields } from './tile-data';

/**
 * Everything wrong with one dashboard file: its schema, unknown members in filters and tile
 * queries, unknown reports and report parameters, and specs vega-lite cannot compile cleanly.
 */
export function checkDashboardFile(file: string, model: Model): Problem[] {
  let yaml: YamlFile;
  try {
    yaml = readYamlFile(file);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return checkDashboardYaml(yaml, model, basename(file).replace(/\.ya?ml$/, ''));
}

/**
 * The same checks of a dashboard that is not a file: an imported YAML text or a dashboard saved
 * through the API, which must pass what `rapport check` asks of a file.
 */
export function checkDashboardYaml(yaml: YamlFile, model: Model, id: string): Problem[] {
  const file = yaml.file;
  let dashboard: Dashboard;
  try {
    dashboard = parseDashboard(yaml, id);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  const problems: Problem[] = [];
  const at = (path: (string | number)[], message: string) =>
    problems.push({ file, line: yaml.locate(path).line, field: path.join('.'), message });
  dashboard.filters.forEach((f, i) => {
    if (f.type !== 'dimension') return;
    try {
      findDimension(model, f.dimension, `filter ${f.name}`);
    } catch (e) {
      if (!isAppError(e)) throw e;
      at(['filters', i, 'dimension'], e.message);
    }
  });
  const dated = dashboard.filters.find((f) => f.type === 'date_range');
  dashboard.tiles.forEach((tile, i) => {
    // A date filter that silently misses a tile is how a dashboard tells two stories at once.
    if (dated && tile.use_date_filter && !(tile.query ? timeOf(tile) : tile.time))
      at(
        ['tiles', i],
        `the date filter "${dated.name}" cannot reach tile ${tile.name}: name the time it restricts ` +
          'with `time:`, or say `use_date_filter: false` (and why, in the description)',
      );
    try {
      if (tile.query) {
        const logical = resolveCubeQuery({ model, now: () => new Date() }, tile.query);
        if (tile.time) findDimension(model, tile.time, `tile ${tile.name} time`);
        const annotation = annotationOf(model, logical);
        const typed = queryFields({ annotation } as never);
        const spec =
          tile.vega_lite ?? shorthandSpec(tile.chart!, chartInput(tile, [], typed), [...typed.fields.keys()]);
        for (const w of compileSpec({ ...spec, data: { values: [] } }).warnings)
          at(['tiles', i], `vega-lite: ${w}`);
      } else {
        const report = REPORTS.get(tile.report!);
        if (!report)
          at(
            ['tiles', i, 'report'],
            `no report "${tile.report}"; reports: ${[...REPORTS.keys()].join(', ')}`,
          );
        else parseParams(report.schema, tile.params, report.name);
        if (tile.vega_lite)
          for (const w of compileSpec({ ...tile.vega_lite, data: { values: [] } }).warnings)
            at(['tiles', i], `vega-lite: ${w}`);
      }
    } catch (e) {
      if (!isAppError(e) && !(e instanceof Error && /needs/.test(e.message))) throw e;
      at(['tiles', i, tile.query ? 'query' : 'params'], (e as Error).message);
    }
  });
  return problems;
}
