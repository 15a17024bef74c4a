import { describe, expect, it } from 'vitest';
import { funnelFooter } from '../../src/reports/funnel/footer';
import type { FunnelResult } from '../../src/reports/funnel/report';

const base = {
  params: {} as FunnelResult['params'],
  source: 'web_events',
  mode: 'ordered',
  actor: 'customer_then_anonymous',
  window: { text: '7d', seconds: 604_800 },
  as_of: '2026-05-15',
  actors: 10,
  steps: [],
} as unknown as FunnelResult;

describe('the funnel footer the CLI prints under the steps', () => {
  it('says what was counted, and nothing more when no view was asked for', () => {
    expect(funnelFooter(base)).toBe(
      'ordered within 7d of step 1; events before 2026-05-15; actor: customer_then_anonymous.',
    );
  });

  it('lists conversion over time with the periods that do not compare named, and the bins', () => {
    const text = funnelFooter({
      ...base,
      over_time: [
        {
          period: '2025-11-01',
          entered: 4,
          converted: 1,
          conversion: 0.25,
          partial: true,
          window_closed: true,
        },
        {
          period: '2025-12-01',
          entered: 8,
          converted: 2,
          conversion: 0.25,
          partial: false,
          window_closed: true,
        },
        {
          period: '2026-01-01',
          entered: 0,
          converted: 0,
          conversion: null,
          partial: true,
          window_closed: false,
        },
      ],
      time_to_convert: [{ from_seconds: 60.4, to_seconds: 1240.6, actors: 3 }],
    });
    const lines = text.split('\n');
    expect(lines).toContain('Conversion over time (by the period of step 1):');
    const row = (period: string) => lines.find((l) => l.startsWith(period))!.split(/\s{2,}/);
    expect(row('2025-11-01')).toEqual(['2025-11-01', '4', '1', '25.0%', 'cut short by the range or as_of']);
    expect(row('2025-12-01')).toEqual(['2025-12-01', '8', '2', '25.0%']);
    expect(row('2026-01-01')).toEqual([
      '2026-01-01',
      '0',
      '0',
      'cut short by the range or as_of; window still open: can rise',
    ]);
    // Seconds rounded, with thousands separators.
    expect(lines.at(-1)!.trim().split(/\s+/)).toEqual(['60', '1,241', '3']);
  });
});
