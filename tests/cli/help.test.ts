import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS } from '../../fixtures/demo/generator/defaults';
import { OUT_DIR } from '../../scripts/build.mjs';
import { REPORT_MODULES, REPORT_NAMES } from '../../src/cli/specs';
import { REPORTS } from '../../src/reports/registry';
import { rapport } from '../helpers/cli';

/** The packages a bundled module loads before any of its code runs: its static imports, transitively. */
function staticPackages(file: string, seen = new Set<string>(), packages = new Set<string>()): Set<string> {
  if (seen.has(file)) return packages;
  seen.add(file);
  const text = readFileSync(join(OUT_DIR, file), 'utf8');
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']/g,
  )) {
    const spec = (m[1] ?? m[2])!;
    if (spec.startsWith('./')) staticPackages(spec.slice(2), seen, packages);
    else packages.add(spec);
  }
  return packages;
}

/** Help text with its line breaks and padding as single spaces (commander wraps to the width). */
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

describe('rapport help', () => {
  it('loads commander and nothing else heavy: each command loads its implementation when it runs', () => {
    // The global setup built dist/cli; its entry imports the hashed bundle of src/cli/main.ts.
    const packages = [...staticPackages('main.js')].filter((p) => !p.startsWith('node:'));
    expect(packages).toEqual(['commander']);
  });

  it('the report list the CLI loads report by report is the registry', async () => {
    expect([...REPORT_NAMES].sort()).toEqual([...REPORTS.keys()].sort());
    for (const name of REPORT_NAMES) expect(await REPORT_MODULES[name]!()).toBe(REPORTS.get(name));
  });

  it('report NAME --help lists the parameters of that report with type, default and description', async () => {
    const r = await rapport(['report', 'funnel', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: rapport report/);
    const text = oneLine(r.stdout);
    expect(text).toContain(
      '--steps <list> The ordered steps, at least two. (required; at least 2, at most 20 items)',
    );
    expect(text).toContain(
      '--window <text> W: the longest time from step 1 to the last step reached. (default: 7d)',
    );
    expect(text).toContain(
      '--mode <ordered|strict|unordered> ordered, strict or unordered. (default: ordered)',
    );
    expect(text).toContain('--breakdown <text> A dimension of the source cube');
    expect(text).not.toContain('--bins');
    const rfm = await rapport(['report', '--db', 'x.duckdb', 'rfm', '-h']);
    expect(oneLine(rfm.stdout)).toContain('--bins <integer> Scores run 1..bins. (default: 5; 2 to 10)');
    expect(rfm.stdout).not.toContain('--steps <');
    const unknown = await rapport(['report', 'nope', '--help']);
    expect(unknown.status).toBe(0);
    expect(oneLine(unknown.stdout)).toContain('There is no report "nope"; the reports: rfm, cohort');
  });

  it('every report has its parameters in its help', async () => {
    for (const name of REPORT_NAMES) {
      const r = await rapport(['report', name, '--help']);
      expect(r.status, name).toBe(0);
      for (const key of Object.keys((REPORTS.get(name)!.schema as unknown as { shape: object }).shape)) {
        if (key === 'as_of') continue; // the command's own --as-of
        expect(r.stdout, `${name} ${key}`).toContain(`--${key.replaceAll('_', '-')} <`);
      }
    }
  });

  it("start says the demo's export moment without a date; demo generate shows the generator's defaults", async () => {
    const start = oneLine((await rapport(['start', '--help'])).stdout);
    expect(start).toContain(
      "a warehouse holding only the demo is read at the demo's export moment unless RAPPORT_NOW is set",
    );
    expect(start).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const demo = oneLine((await rapport(['demo', 'generate', '--help'])).stdout);
    expect(demo).toContain(`--seed <n> random seed (default: "${DEMO_DEFAULTS.seed}")`);
    expect(demo).toContain(`--customers <n> number of customers (default: "${DEMO_DEFAULTS.customers}")`);
    expect(demo).toContain(`--start <date> first day of activity (default: "${DEMO_DEFAULTS.start}")`);
    expect(demo).toContain(`--end <date> last day of activity (default: "${DEMO_DEFAULTS.end}")`);
  });
});
