import type { Command } from 'commander';
// The defaults alone: the generator itself is loaded by the command that runs it.
import { DEMO_DEFAULTS } from '../../../fixtures/demo/generator/defaults';
import type { GenerateOptions } from './demo-run';

export function registerDemo(program: Command): void {
  const demo = program
    .command('demo')
    .description('the demo company: a deterministic set of source-system exports');
  demo
    .command('generate')
    .description('write the demo company source files (same seed, same bytes)')
    .option('--seed <n>', 'random seed', String(DEMO_DEFAULTS.seed))
    .option('--customers <n>', 'number of customers', String(DEMO_DEFAULTS.customers))
    .option('--out <dir>', 'output folder', 'fixtures/demo')
    .option('--start <date>', 'first day of activity', DEMO_DEFAULTS.start)
    .option('--end <date>', 'last day of activity', DEMO_DEFAULTS.end)
    .action(async (opts: GenerateOptions) => (await import('./demo-run')).generate(opts));
  demo
    .command('seed-sources')
    .description(
      'load the demo company into its source systems: the CRM into PostgreSQL, the web shop into ' +
        'MySQL/MariaDB (connections from etl/sources.yml); the jobs in etl/jobs-sources read them back',
    )
    .option('--postgres <connection>', 'PostgreSQL connection in etl/sources.yml', 'demo-crm')
    .option('--mysql <connection>', 'MySQL/MariaDB connection in etl/sources.yml', 'demo-shop')
    .action(async (opts: { postgres: string; mysql: string }) =>
      (await import('./demo-run')).seedSources(opts),
    );
}
