import type { Accuracy } from './forecast-series';
import type { ForecastResult } from './result';

const num = (x: number | null, digits: number) =>
  x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);

function line(label: string, a: Accuracy, chosen: boolean): string {
  return `${label.padEnd(24)} ${chosen ? '*' : ' '} ${a.method.padEnd(36)} ${String(a.origins).padStart(7)} ${num(a.mase, 3).padStart(8)} ${num(a.smape, 2).padStart(8)}`;
}

/**
 * The backtest accuracy for the CLI: with one series every method's row, with several the
 * chosen method (*) and seasonal naive for each.
 */
export function formatFooter(r: ForecastResult): string {
  const out = [
    `Backtest: rolling origins, up to ${r.params.horizon} steps ahead; MASE scaled by the in-sample seasonal-naive error (season ${r.season_length ?? 'n/a'}); sMAPE in %.`,
    `${'series'.padEnd(24)}   ${'method'.padEnd(36)} ${'origins'.padStart(7)} ${'MASE'.padStart(8)} ${'sMAPE'.padStart(8)}`,
  ];
  for (const s of r.series) {
    const label = s.label.length > 24 ? `${s.label.slice(0, 23)}…` : s.label;
    if (s.method === null) {
      out.push(`${label.padEnd(24)}   no forecast: ${s.skipped ?? ''}`);
      continue;
    }
    const shown =
      r.series.length === 1
        ? s.backtest.table
        : s.backtest.table.filter((a) => a.method === s.method || a.method === 'seasonal_naive');
    if (shown.length === 0)
      out.push(`${label.padEnd(24)} * ${s.method.padEnd(36)} (no backtest: series too short)`);
    shown.forEach((a, i) => {
      out.push(line(i === 0 ? label : '', a, a.method === s.method));
    });
  }
  if (r.omitted_series.length > 0)
    out.push(`${r.omitted_series.length} smaller series not forecast (max_series).`);
  return out.join('\n');
}
