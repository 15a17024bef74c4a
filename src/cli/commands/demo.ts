import { resolve } from 'node:path';
import type { Command } from 'commander';
import { projectRoot } from '../context';
import { progress } from '../progress';
import { formatTable } from '../table';

function positiveInt(name: string, value: string): number {
  const n = Number.parseInt(value, 10);
  if (!Number.isInteger(n) || n < 1 || String(n) !== value.trim())
    throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}

export function registerDemo(program: Command): void {
  const demo = program
    .command('demo')
    .description('the demo company: a deterministic set of source-system exports');
  demo
    .command('generate')
    .description('write the demo company source files (same seed, same bytes)')
    .option('--seed <n>', 'random seed', '42')
    .option('--customers <n>', 'number of customers', '5000')
    .option('--out <dir>', 'output folder', 'fixtures/demo')
    .option('--start <date>', 'first day of activity', '2024-01-01')
    .option('--end <date>', 'last day of activity', '2026-06-30')
    .action(async (opts: { seed: string; customers: string; out: string; start: string; end: string }) => {
      // Loaded on demand: the generator is big and only this command needs it.
      const { generateDemo } = await import('../../../fixtures/demo/generator/index');
      const bar = progress(100, 'demo');
      let summary: Awaited<ReturnType<typeof generateDemo>>;
      try {
        summary = await generateDemo({
          seed: positiveInt('--seed', opts.seed),
          customers: positiveInt('--customers', opts.customers),
          out: resolve(projectRoot(), opts.out),
          start: opts.start,
          end: opts.end,
          onProgress: (step, done, total) => bar.update(Math.round((100 * done) / Math.max(total, 1)), step),
        });
      } finally {
        bar.stop();
      }
      console.log(formatTable(summary.files.map((f) => ({ file: f.path, rows: f.rows }))));
    });
  demo
    .command('seed-sources')
    .description(
      'load the demo company into its source systems: the CRM into PostgreSQL, the web shop into ' +
        'MySQL/MariaDB (connections from etl/sources.yml); the jobs in etl/jobs-sources read them back',
    )
    .option('--postgres <connection>', 'PostgreSQL connection in etl/sources.yml', 'demo-crm')
    .option('--mysql <connection>', 'MySQL/MariaDB connection in etl/sources.yml', 'demo-shop')
    .action(async (opts: { postgres: string; mysql: string }) => {
      const { seedDemoSources } = await import('../demo-sources/seed');
      const results = await seedDemoSources({
        root: projectRoot(),
        postgres: opts.postgres,
        mysql: opts.mysql,
        onTable: (t, kept) => process.stderr.write(`${t.system} ${t.table}: ${kept} rows\n`),
      });
      console.log(
        formatTable(
          results.map((r) => ({
            system: r.system,
            table: r.table,
            rows: r.rows,
            'left out (unstorable dirt)': r.dropped,
          })),
        ),
      );
    });
}
