import { describe, expect, it } from 'vitest';
import { expectedTotals, formatReport, type LoadOptions, runLoadScenario } from '../../bench/load';

/**
 * 50 clients against a real `rapport serve` while ETL loads run through its ETL route (the
 * scenario of `npm run bench -- load`, which runs 60 s; the suite runs RAPPORT_LOAD_SECONDS,
 * 20 by default, to keep CI short). Speed is reported, not asserted.
 */
const OPTIONS: LoadOptions = {
  durationSeconds: Number(process.env['RAPPORT_LOAD_SECONDS'] ?? 20),
  connections: 50,
  lines: 20_000,
};

describe('load while an ETL job loads', () => {
  it('computes the expected totals of a version by hand', () => {
    // Two lines: i = 0 → quantity 1 at 1000 + k cents; i = 1 → quantity 2 at 1100 + k cents.
    expect(expectedTotals({ ...OPTIONS, lines: 2 }, 0)).toEqual({ count: 2, revenueCents: 1000 + 2 * 1100 });
    // Version 1 adds 100 lines and adds one cent to every price.
    expect(expectedTotals({ ...OPTIONS, lines: 2 }, 1).count).toBe(102);
  });

  it(`answers ${OPTIONS.connections} clients without errors, every total from one loaded version`, async () => {
    const report = await runLoadScenario(OPTIONS);
    process.stdout.write(`${formatReport(OPTIONS, report)}\n`);
    expect(report.etlFailures).toEqual([]);
    expect(report.inconsistent).toEqual([]);
    expect({ non2xx: report.non2xx, errors: report.errors, timeouts: report.timeouts }).toEqual({
      non2xx: 0,
      errors: 0,
      timeouts: 0,
    });
    expect(report.requests).toBeGreaterThan(0);
    // The loads really overlapped the queries: answers came from more than one version.
    expect(report.etlRuns).toBeGreaterThanOrEqual(2);
    expect(report.versionsSeen).toBeGreaterThanOrEqual(2);
    expect(report.finalMatchesLastVersion).toBe(true);
  }, 180_000);
});
