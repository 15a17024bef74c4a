import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSummary } from '../../src/cli/commands/serve-run';
import type { RunRecord } from '../../src/etl';
import { ROOT, startRapport } from '../helpers/cli';
import { scratchDir } from '../helpers/warehouse';

const record = (job: string, over: Partial<RunRecord> = {}): RunRecord => ({
  run_id: 1,
  job,
  target: 'orders',
  source: 'x.csv',
  started_at: '',
  finished_at: '',
  duration_ms: 1234,
  status: 'succeeded',
  rows_read: 100,
  inserted: 90,
  updated: 2,
  unchanged: 0,
  rejected: 5,
  duplicates: 3,
  placeholders: 0,
  watermark: null,
  changed: true,
  error: null,
  ...over,
});

describe('rapport start', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.remove());

  it('the load summary: rows loaded and rejected per job, and the command that shows the rejects', () => {
    const text = loadSummary(
      [record('demo-a'), record('demo-b', { rejected: 0, rows_read: 95, inserted: 92 })],
      ' --db w.duckdb',
    );
    expect(text.split('\n')).toEqual([
      'job     status     rows_read  loaded  rejected  duplicates  seconds',
      '------  ---------  ---------  ------  --------  ----------  -------',
      'demo-a  succeeded        100      92         5           3      1.2',
      'demo-b  succeeded         95      94         0           3      1.2',
      '',
      "5 rows were rejected (the demo's exports carry deliberate dirt); see them with:",
      '  rapport etl rejects --job demo-a --db w.duckdb',
    ]);
  });

  it('loads the demo jobs with one line per job, prints the summary, then the address to open', async () => {
    // A project of its own whose only demo job is small: the real cubes and dashboards, and
    // three staff rows, one with a date that is not one.
    const root = join(scratch.dir, 'project');
    mkdirSync(join(root, 'etl', 'jobs'), { recursive: true });
    for (const dir of ['cubes', 'dashboards']) symlinkSync(join(ROOT, dir), join(root, dir));
    writeFileSync(
      join(root, 'staff.csv'),
      'employee_id,name,email,role,team,region,hired_at,updated_at\n' +
        'E1,Ann,ann@x.example,sales,Sales West,Western Europe,2020-01-02,2020-01-02 00:00:00\n' +
        'E2,Bob,bob@x.example,sales,Sales West,Western Europe,2020-13-45,2020-01-02 00:00:00\n' +
        'E3,Cy,cy@x.example,sales,Sales West,Western Europe,2021-03-04,2021-03-04 00:00:00\n',
    );
    writeFileSync(
      join(root, 'etl', 'jobs', 'demo-staff.yml'),
      'name: demo-staff\nsource: { type: csv, path: staff.csv }\ntarget: employees\n' +
        'mapping: { employee_id: employee_id, name: name, email: email, role: role, team: team, ' +
        'region: region, hired_at: hired_at, updated_at: updated_at }\n',
    );
    const server = await startRapport(
      ['start', '--db', 'w.duckdb', '--port', '0'],
      /Open http:\/\/\S+ in a browser/,
      {
        cwd: root,
        env: { RAPPORT_ROOT: root },
      },
    );
    const { stdout, stderr } = await server.stop();
    const lines = stderr.split('\n');
    expect(lines[0]).toBe(`no warehouse at ${join(root, 'w.duckdb')}: loading the demo company`);
    expect(lines[1]).toBe('loading the demo: job 1 of 1, demo-staff');
    expect(stderr).toMatch(/job\s+status\s+rows_read\s+loaded\s+rejected\s+duplicates\s+seconds\n/);
    expect(stderr).toMatch(/demo-staff\s+succeeded\s+3\s+2\s+1\s+0\s+[\d.]+\n/);
    expect(stderr).toContain('  rapport etl rejects --job demo-staff --db w.duckdb\n');
    const open = /Open http:\/\/127\.0\.0\.1:(\d+)\/ in a browser/.exec(stderr);
    expect(Number(open?.[1])).toBeGreaterThan(0);
    expect(stderr.indexOf('rapport etl rejects')).toBeLessThan(stderr.indexOf('Open http'));
    // The server's own log stays JSON on standard output.
    expect(JSON.parse(stdout.split('\n').find((l) => l.includes('rapport serving on'))!)).toMatchObject({
      level: 30,
      warehouse: join(root, 'w.duckdb'),
    });
  });
});
