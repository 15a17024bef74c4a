import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { truncationNote } from '../../src/cli/commands/report-run';
import { checkParams, paramsFromArgs } from '../../src/cli/report-args';
import { AppError } from '../../src/errors';
import { REPORTS } from '../../src/reports/registry';
import { rapport } from '../helpers/cli';
import { scratchDir } from '../helpers/warehouse';

/** The message `rapport report NAME ARGS…` fails with, before any warehouse is opened. */
function problem(name: string, args: string[]): string {
  const schema = REPORTS.get(name)!.schema;
  try {
    checkParams(schema, paramsFromArgs(schema, args), name);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('VALIDATION_FAILED');
    return (e as Error).message;
  }
  throw new Error(`report ${name} ${args.join(' ')} was accepted`);
}

describe('rapport report: a mistake names its flag', () => {
  it.each([
    ['funnel', [], '--steps is required (a comma-separated list); see rapport report funnel --help'],
    ['funnel', ['--steps', 'visit'], '--steps: a funnel has at least 2 steps'],
    [
      'funnel',
      ['--steps', 'visit,purchase', '--mode', 'zz'],
      '--mode must be one of ordered, strict, unordered, got "zz"',
    ],
    // Web events take any name (checked against the warehouse when the report runs); responses do not.
    [
      'funnel',
      ['--steps', 'sent,nope', '--source', 'campaign_responses'],
      '--steps (item 2, event): "nope" is not an event of campaign_responses',
    ],
    ['rfm', ['--bins', '11'], '--bins must be at most 10, got 11'],
    ['rfm', ['--bins', 'many'], '--bins must be an integer from 2 to 10, got "many"'],
    ['rfm', ['--segment-map', 'xx'], '--segment-map must be default, rfm-package or JSON, got "xx"'],
    ['rfm', ['--limt', '5'], 'unknown parameter --limt; the parameters of rfm: --as-of, --timezone,'],
    ['rfm', ['--as-of', '2024-02-30'], '--as-of: not a calendar date (got "2024-02-30")'],
    ['cohort', ['--granularity'], '--granularity needs a value (one of month, week, quarter)'],
    ['segments', ['--k', '1'], '--k must be at least 2, got 1'],
    [
      'campaign-roi',
      ['--touch-events', 'clicked,nope'],
      '--touch-events (item 2) must be one of sent, delivered',
    ],
    [
      'rfm',
      ['--filters', '[{"member":"x"}]'],
      '--filters (item 1, member): a member is "cube.member" (got "x")',
    ],
  ])('%s %j', (name, args, message) => {
    expect(problem(name, args as string[])).toContain(message);
  });

  it('on the command line, before a warehouse is opened', async () => {
    const r = await rapport(['report', 'funnel', '--db', '/nonexistent/dir/w.duckdb']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'error VALIDATION_FAILED: --steps is required (a comma-separated list); see rapport report funnel --help\n',
    );
  });

  it('several mistakes are listed one per line', () => {
    expect(problem('rfm', ['--bins', '1', '--limit', 'x'])).toBe(
      'invalid rfm parameters (see rapport report rfm --help):\n' +
        '  --bins must be at least 2, got 1\n' +
        '  --limit must be an integer from 0 to 50000, got "x"',
    );
  });
});

describe('rapport report: a table cut at --limit says so', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.remove());

  it('the note names the rows shown, the total, and how to see all', () => {
    const schema = REPORTS.get('rfm')!.schema;
    expect(truncationNote(1000, 4067, schema)).toBe(
      'showing 1,000 of 4,067 rows; --limit 4067 or --format csv for all',
    );
    expect(truncationNote(1000, 60_000, schema)).toBe('showing 1,000 of 60,000 rows; --format csv for all');
    expect(truncationNote(40, 40, schema)).toBe('');
    expect(truncationNote(5, undefined, schema)).toBe('');
  });

  it('rfm on the demo: 1,000 customers on stdout and the note on stderr', async () => {
    const db = join(scratch.dir, 'demo.duckdb');
    copyFileSync(inject('demoWarehouse'), db);
    const r = await rapport(['report', 'rfm', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2 + 1000);
    expect(r.stderr).toMatch(/^showing 1,000 of \d,\d{3} rows; --limit \d+ or --format csv for all\n$/);
    const all = await rapport(['report', 'rfm', '--db', db, '--limit', '50000']);
    expect(all.stderr).toBe('');
    const total = Number(/of (\d,\d{3}) rows/.exec(r.stderr)![1]!.replace(',', ''));
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(2 + total);
  });
});
