import { formatTable } from '../../util/text-table';
import type { FunnelResult } from './result';

const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)}%`);

/**
 * What the CLI prints under the steps: what was counted (window, mode, as_of), and the views the
 * query asked for, which the steps' table cannot hold: conversion over time with the periods
 * that do not compare flagged in words, and the time-to-convert bins.
 */
export function funnelFooter(r: FunnelResult): string {
  const out = [
    `${r.mode} within ${r.window.text} of step 1; events before ${r.as_of ?? '(no events)'}; actor: ${r.actor}.`,
  ];
  if (r.over_time) {
    const notes = (p: NonNullable<FunnelResult['over_time']>[number]) =>
      [
        p.partial ? 'cut short by the range or as_of' : '',
        p.window_closed ? '' : 'window still open: can rise',
      ]
        .filter(Boolean)
        .join('; ');
    out.push(
      '',
      'Conversion over time (by the period of step 1):',
      formatTable(
        r.over_time.map((p) => ({
          period: p.period,
          entered: p.entered,
          converted: p.converted,
          conversion: pct(p.conversion),
          note: notes(p),
        })),
        ['period', 'entered', 'converted', 'conversion', 'note'],
      ),
    );
  }
  if (r.time_to_convert) {
    out.push(
      '',
      'Time to convert (step 1 to the last step), equal-width bins from the fastest to the slowest:',
      formatTable(
        r.time_to_convert.map((b) => ({
          from_seconds: Math.round(b.from_seconds),
          to_seconds: Math.round(b.to_seconds),
          actors: b.actors,
        })),
      ),
    );
  }
  return out.join('\n');
}
