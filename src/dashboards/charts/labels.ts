import type { Row } from '../../engine';
import { labelOf, MISSING_LABEL } from '../../util/labels';
import type { FieldInfo, VegaLiteSpec } from './fields';
import { d3Format, esc } from './fields';

/** The suffix that names a label column made from a field (`customers.region · label`). */
const LABEL_SUFFIX = ' · label';

/** Display labels of the values present in a nominal field, where they differ from the value. */
function labelMap(field: FieldInfo, rows: readonly Row[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!field.labels && !field.humanize) return out;
  for (const r of rows) {
    const v = r[field.name];
    if (typeof v !== 'string' || Object.hasOwn(out, v)) continue;
    const label = labelOf(v, field);
    if (label !== v) out[v] = label;
  }
  return out;
}

/**
 * A vega expression reading `value` as people read it; `fallback` is what a value without a
 * label shows (an axis keeps its formatted label, a tooltip the value's text).
 */
function labelExpr(value: string, map: Record<string, string>, fallback: string): string {
  const missing = JSON.stringify(MISSING_LABEL);
  const lookup = Object.keys(map).length > 0 ? `(${JSON.stringify(map)})[${value}] || ` : '';
  return `${value} === null || ${value} === '' ? ${missing} : ${lookup}${fallback}`;
}

type Encoding = Record<string, unknown>;

const LEGEND_CHANNELS = ['color', 'fill', 'stroke', 'shape'] as const;

/** Every encoding of a (possibly layered or concatenated) spec, to rewrite in place. */
function encodings(spec: Record<string, unknown>): Encoding[] {
  const out: Encoding[] = [];
  if (spec['encoding'] && typeof spec['encoding'] === 'object') out.push(spec['encoding'] as Encoding);
  for (const key of ['layer', 'hconcat', 'vconcat', 'concat']) {
    const parts = spec[key];
    if (Array.isArray(parts)) for (const p of parts) out.push(...encodings(p as Record<string, unknown>));
  }
  if (spec['spec'] && typeof spec['spec'] === 'object')
    out.push(...encodings(spec['spec'] as Record<string, unknown>));
  return out;
}

/**
 * Values of a chart read for people (SVG, PNG and the page alike): axis and legend labels of
 * nominal fields, text marks and tooltips show the model's labels ("Closed won" for
 * `closed_won`), a missing value reads `(unknown)` everywhere, and amounts show the currency.
 * Only what is drawn changes: the rows keep their values, so a click still filters by them.
 */
export function withLabels(
  spec: VegaLiteSpec,
  fields: readonly FieldInfo[],
  rows: readonly Row[],
): VegaLiteSpec {
  const nominal = fields.filter((f) => f.kind === 'nominal');
  const maps = new Map(nominal.map((f) => [esc(f.name), { field: f, map: labelMap(f, rows) }]));
  const byEscaped = new Map(fields.map((f) => [esc(f.name), f]));
  const merged = Object.assign({}, ...[...maps.values()].map((m) => m.map)) as Record<string, string>;
  const transforms: object[] = [];
  const made = new Set<string>();
  const labelled = (escaped: string): string | undefined => {
    const m = maps.get(escaped);
    if (!m) return undefined;
    const as = `${m.field.name}${LABEL_SUFFIX}`;
    if (!made.has(as)) {
      made.add(as);
      const value = `datum[${JSON.stringify(m.field.name)}]`;
      transforms.push({ calculate: labelExpr(value, m.map, `${value} + ''`), as });
    }
    return esc(as);
  };
  for (const enc of encodings(spec as Record<string, unknown>)) {
    const tooltips = enc['tooltip'];
    const list = Array.isArray(tooltips)
      ? tooltips
      : tooltips && typeof tooltips === 'object'
        ? [tooltips]
        : [];
    for (const t of list as Record<string, unknown>[]) {
      const field = typeof t['field'] === 'string' ? labelled(t['field']) : undefined;
      if (field) t['field'] = field;
    }
    // vega-lite reads no labelExpr from the legend config: each legend gets its own.
    for (const key of LEGEND_CHANNELS) {
      const c = enc[key] as Record<string, unknown> | undefined;
      if (!c || typeof c['field'] !== 'string' || c['legend'] === null) continue;
      if (c['type'] === 'quantitative') {
        // A colour scale of amounts reads like their axis would: €25M, not 25000000.
        const format = d3Format(byEscaped.get(c['field'])?.format, 'axis');
        if (format) c['legend'] = { format, ...(c['legend'] as object) };
        continue;
      }
      if (c['type'] !== 'nominal' && c['type'] !== 'ordinal') continue;
      c['legend'] = {
        labelExpr: labelExpr('datum.value', merged, 'datum.label'),
        ...(c['legend'] as object),
      };
    }
    const text = enc['text'] as Record<string, unknown> | undefined;
    if (text && typeof text['field'] === 'string' && text['type'] === 'nominal') {
      const field = labelled(text['field']);
      if (field) text['field'] = field;
    }
  }
  const config = (spec['config'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const axisLabels = { labelExpr: labelExpr('datum.value', merged, 'datum.label') };
  const own = spec['transform'];
  return {
    ...spec,
    ...(transforms.length > 0 ? { transform: [...transforms, ...(Array.isArray(own) ? own : [])] } : {}),
    config: {
      ...config,
      // vega's number formats write "$" for the locale's currency: the warehouse books in euros.
      locale: { number: { currency: ['€', ''] }, ...(config['locale'] as object | undefined) },
      axisBand: { ...axisLabels, ...config['axisBand'] },
      axisPoint: { ...axisLabels, ...config['axisPoint'] },
    },
  };
}
