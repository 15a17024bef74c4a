import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { type PipelineResult, pipelineForecast, pipelineReport } from '../../src/reports/forecast/pipeline';
import { loadDemo } from '../helpers/demo';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

/** deal, stage, entered_at, amount, probability, expected close date. */
type StageRow = [string, string, string, number, number | null, string | null];

/**
 * A small pipeline worked by hand (as_of 2024-04-01). Today's win rates, from the five closed
 * deals: qualified 3/5 (A, C, D won; B, F lost), proposal 1/2 (C won, B lost), overall 3/5.
 */
const ROWS: StageRow[] = [
  ['A', 'qualified', '2023-12-10 09:00:00', 1000, 0.2, '2024-01-20'],
  ['A', 'won', '2024-01-15 10:00:00', 1000, 1, '2024-01-20'],
  ['B', 'qualified', '2023-12-20 09:00:00', 2000, 0.3, '2024-01-31'],
  ['B', 'proposal', '2024-01-10 09:00:00', 2000, 0.6, '2024-02-15'],
  ['B', 'lost', '2024-02-20 09:00:00', 2000, 0, '2024-02-15'],
  ['C', 'qualified', '2024-01-05 09:00:00', 500, 0.25, '2024-02-10'],
  ['C', 'proposal', '2024-01-25 09:00:00', 600, 0.5, '2024-02-28'],
  ['C', 'won', '2024-02-26 09:00:00', 600, 1, '2024-02-28'],
  ['D', 'qualified', '2024-02-10 09:00:00', 4000, 0.1, '2024-03-15'],
  ['D', 'won', '2024-03-10 09:00:00', 3800, 1, '2024-03-15'],
  // Open since November, expected in March: in no earlier snapshot's period.
  ['E', 'proposal', '2023-11-01 09:00:00', 700, 0.7, '2024-03-05'],
  // Entered at the March snapshot's very start: not open before it.
  ['F', 'qualified', '2024-03-01 00:00:00', 900, null, '2024-03-20'],
  ['F', 'lost', '2024-03-25 09:00:00', 900, 0, '2024-03-20'],
  // No probability of its own: the stage's win rate.
  ['G', 'qualified', '2024-02-15 09:00:00', 100, null, '2024-03-31'],
];

async function insert(engine: Engine, rows: readonly StageRow[]): Promise<void> {
  const values = rows.map(([deal, stage, at, amount, p, close]) => {
    const closed = stage === 'won' || stage === 'lost' ? `'${stage}'` : 'NULL';
    const key = at.slice(0, 10).replaceAll('-', '');
    return `('${deal}', '${stage}', TIMESTAMP '${at}', ${key}, 'c1', 1, ${amount}, ${p ?? 'NULL'}, NULL, ${closed}, NULL,
      ${close === null ? 'NULL' : `TIMESTAMP '${close}'`}, 0, 0)`;
  });
  await engine.exec(`INSERT INTO fact_deal_stages VALUES ${values.join(', ')}`);
}

describe('pipeline forecast accuracy, worked by hand', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    await insert(engine, ROWS);
  });
  afterAll(() => engine.close());

  const run = (params: Record<string, unknown>) =>
    pipelineReport(reportContext(engine), { as_of: '2024-04-01', accuracy_periods: 4, ...params });

  it('historical weights: each month’s open deals at its start × today’s stage win rates, against the won amount', async () => {
    const r = await run({ probability: 'historical' });
    expect(r.accuracy.map((a) => a.period)).toEqual(['2023-12-01', '2024-01-01', '2024-02-01', '2024-03-01']);
    // December: E is open but expected in March, and nothing was won: no error rate.
    // January: A and B (qualified, 0.6) expected in January; A won 1,000.
    // February: B and C in proposal (0.5), expected in February; C won 600.
    // March: D and G qualified (0.6), E in proposal (0.5); D won 3,800. F entered at 00:00 on the 1st.
    const expected = [
      { open: 0, forecast: 0, deals: 0, won: 0, rate: null },
      { open: 2, forecast: 1000 * 0.6 + 2000 * 0.6, deals: 1, won: 1000, rate: 800 / 1000 },
      { open: 2, forecast: 2000 * 0.5 + 600 * 0.5, deals: 1, won: 600, rate: 700 / 600 },
      { open: 3, forecast: 4000 * 0.6 + 700 * 0.5 + 100 * 0.6, deals: 1, won: 3800, rate: 990 / 3800 },
    ];
    r.accuracy.forEach((a, i) => {
      const e = expected[i]!;
      expect(a.open_deals).toBe(e.open);
      expect(a.forecast_amount).toBeCloseTo(e.forecast, 9);
      expect(a.won_deals).toBe(e.deals);
      expect(a.won_amount).toBeCloseTo(e.won, 9);
      if (e.rate === null) expect(a.absolute_error_rate).toBeNull();
      else expect(a.absolute_error_rate).toBeCloseTo(e.rate, 12);
    });
    expect(r.mape).toBeCloseTo((100 * (0.8 + 700 / 600 + 990 / 3800)) / 3, 10);
  });

  it('deal weights: each deal’s own probability at the snapshot, else today’s stage rate', async () => {
    const r = await run({});
    const forecasts = r.accuracy.map((a) => a.forecast_amount);
    // January: A 0.2, B 0.3; February: B 0.6 (in proposal), C 0.5; March: D 0.1, E 0.7, G none (0.6).
    [0, 1000 * 0.2 + 2000 * 0.3, 2000 * 0.6 + 600 * 0.5, 4000 * 0.1 + 700 * 0.7 + 100 * 0.6].forEach(
      (f, i) => {
        expect(forecasts[i]).toBeCloseTo(f, 9);
      },
    );
    expect(r.mape).toBeCloseTo((100 * (200 / 1000 + 900 / 600 + 2850 / 3800)) / 3, 10);
  });

  it('weekly periods, none asked, and the CLI footer', async () => {
    const weeks = await run({ granularity: 'week', accuracy_periods: 2 });
    // The two weeks before as_of's (Monday 2024-04-01): March 18 and 25. F, open from the 1st to
    // the 25th with no probability of its own, is expected on the 20th; G on the 31st.
    expect(weeks.accuracy.map((a) => a.period)).toEqual(['2024-03-18', '2024-03-25']);
    expect(weeks.accuracy.map((a) => a.forecast_amount)).toEqual([900 * 0.6, 100 * 0.6]);
    expect(weeks.accuracy.map((a) => a.won_amount)).toEqual([0, 0]);
    expect(weeks.mape).toBeNull();
    const none = await run({ accuracy_periods: 0 });
    expect(none.accuracy).toEqual([]);
    expect(none.mape).toBeNull();
    const out = await pipelineForecast.run(
      reportContext(engine),
      pipelineForecast.schema.parse({ as_of: '2024-04-01', accuracy_periods: 3, probability: 'historical' }),
    );
    expect(out.footer).toContain('2024-03-01  forecast        2810.00  won        3800.00  error   26.1%');
    expect(out.footer).toContain(`MAPE: ${((100 * (0.8 + 700 / 600 + 990 / 3800)) / 3).toFixed(1)}%`);
  });
});

describe('pipeline forecast accuracy on the demo company', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = (await loadDemo()).engine;
  });
  afterAll(() => engine.close());

  it('a month’s snapshot forecast is the report run at that month’s start, where every deal has its own probability', async () => {
    const ctx = reportContext(engine);
    const now = await pipelineReport(ctx, { accuracy_periods: 6 });
    expect(now.accuracy).toHaveLength(6);
    const scored = now.accuracy.filter((a) => a.absolute_error_rate !== null);
    expect(scored.length).toBeGreaterThan(3);
    console.info(
      `demo pipeline accuracy: ${now.accuracy.map((a) => `${a.period} ${a.forecast_amount.toFixed(0)}/${a.won_amount.toFixed(0)}`).join(', ')}; MAPE ${now.mape?.toFixed(1)}%`,
    );
    let compared = 0;
    for (const a of now.accuracy) {
      // The report as it stood at the month's start: its weighted open deals in that month.
      const then: PipelineResult = await pipelineReport(ctx, { as_of: a.period, accuracy_periods: 0 });
      if (Object.keys(then.probability_sources).some((s) => s !== 'deal')) continue;
      const cells = then.periods.filter((p) => p['period'] === a.period && p['category'] !== 'closed_won');
      const weighted = cells.reduce((s, p) => s + Number(p['weighted_amount']), 0);
      const deals = cells.reduce((s, p) => s + Number(p['deals']), 0);
      compared++;
      expect(a.forecast_amount).toBeCloseTo(weighted, 4);
      expect(a.open_deals).toBe(deals);
      // And the won amount is the report's own closed_won in that month today.
      const won = now.periods.find((p) => p['period'] === a.period && p['category'] === 'closed_won');
      expect(a.won_amount).toBeCloseTo(Number(won?.['amount'] ?? 0), 4);
    }
    expect(compared).toBeGreaterThan(3);
    const rates = scored.map((a) => Math.abs(a.won_amount - a.forecast_amount) / a.won_amount);
    expect(now.mape).toBeCloseTo((100 * rates.reduce((x, y) => x + y, 0)) / rates.length, 10);
  });
});
