import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, rapport } from '../helpers/cli';
import { scratchDir } from '../helpers/warehouse';

const COMMANDS = [
  [],
  ['etl'],
  ['etl', 'run'],
  ['etl', 'status'],
  ['etl', 'rejects'],
  ['check'],
  ['demo'],
  ['demo', 'generate'],
  ['serve'],
  ['start'],
  ['query'],
  ['sql'],
  ['report'],
  ['report', 'funnel'],
  ['segment'],
  ['segment', 'save'],
  ['customer', 'show'],
  ['dashboard', 'render'],
  ['users', 'add'],
  ['audit'],
];

describe('the rapport CLI', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.remove());

  it.each(COMMANDS.map((c) => [c.join(' ') || '(root)', c]))(
    '%s --help explains itself',
    async (_, command) => {
      const r = await rapport([...(command as string[]), '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: rapport/);
    },
  );

  it('etl run --json prints the run records and etl status reads them back', async () => {
    const db = join(scratch.dir, 'w.duckdb');
    const r = await rapport(['etl', 'run', '--job', 'online-retail', '--db', db, '--json']);
    expect(r.status).toBe(0);
    const records = JSON.parse(r.stdout);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      job: 'online-retail',
      rows_read: 541_909,
      inserted: 540_571,
      rejected: 1_338,
    });
    expect(r.stderr).toContain('online-retail: merge');
    const status = await rapport(['etl', 'status', '--db', db, '--json']);
    expect(JSON.parse(status.stdout).runs[0]).toMatchObject({ job: 'online-retail', status: 'succeeded' });
    const rejects = await rapport(['etl', 'rejects', '--db', db, '--limit', '2', '--json']);
    expect(JSON.parse(rejects.stdout).rejects).toHaveLength(2);
    const table = await rapport(['etl', 'run', '--job', 'online-retail', '--db', db]);
    expect(table.stdout).toMatch(/run_id\s+job\s+status\s+rows_read/);
    expect(table.stdout).toMatch(/2\s+online-retail\s+succeeded\s+541,909\s+0\s+0\s+540,571\s+1,338/);
  });

  it('RAPPORT_DB chooses the warehouse when --db is absent', async () => {
    const db = join(scratch.dir, 'env.duckdb');
    const r = await rapport(['etl', 'status', '--json'], { env: { RAPPORT_DB: db } });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).tables.map((t: { table: string }) => t.table)).toContain('fact_order_lines');
  });

  it('a user mistake exits 1 with a message, not a stack trace', async () => {
    const r = await rapport(['etl', 'run', '--job', 'nope', '--db', join(scratch.dir, 'x.duckdb')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`error JOB_NOT_FOUND: no job named "nope" in ${join(ROOT, 'etl', 'jobs')}\n`);
    const none = await rapport(['etl', 'run']);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('name at least one job with --job, or use --all');
  });

  it('check reports every problem of every file at once, with file and line', async () => {
    const root = join(scratch.dir, 'project');
    mkdirSync(join(root, 'etl', 'jobs'), { recursive: true });
    writeFileSync(
      join(root, 'etl', 'jobs', 'a.yml'),
      'name: a\nsource: { type: csv, path: missing.csv }\ntarget: orders\nmapping: { order_id: x }\n',
    );
    writeFileSync(
      join(root, 'etl', 'jobs', 'b.yml'),
      'name: b\nsource: { type: xml, path: b.xml }\ntarget: tickets\nmapping: {}\n',
    );
    const r = await rapport(['check'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'etl/jobs/a.yml:4 (mapping): required field "ordered_at" of orders is not mapped',
    );
    expect(r.stdout).toContain(
      'etl/jobs/a.yml:4 (mapping): required field "quantity" of orders is not mapped',
    );
    expect(r.stdout).toMatch(/etl\/jobs\/b\.yml:2:\d+ \(source\.type\)/);
    expect(r.stdout).toMatch(/problem\(s\) in 2 files checked/);
    const ok = await rapport(['check']);
    expect(ok.stdout).toMatch(/files checked, no problems/);
    expect(ok.status).toBe(0);
  });
});
