import type { Command } from 'commander';
import type { RejectsOptions, RunOptions } from './etl-run';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerEtl(program: Command): void {
  const etl = program.command('etl').description('load source files into the warehouse and inspect loads');

  etl
    .command('run')
    .description('run ETL jobs (each in one transaction) and print a summary')
    .option(
      '-j, --job <name|file|glob>',
      'a job name, a glob such as demo-*, or a job file (repeatable)',
      collect,
      [],
    )
    .option('-a, --all', 'run every job in etl/jobs, dimensions first (not etl/jobs-sources: name those)')
    .option('--db <path>', 'warehouse file (default data/warehouse.duckdb or $RAPPORT_DB)')
    .option('--json', 'print the run records as JSON instead of a table')
    .action(async (opts: RunOptions) => (await import('./etl-run')).run(opts));

  etl
    .command('status')
    .description('the latest run of every job, and the size of every warehouse table')
    .option('--db <path>', 'warehouse file')
    .option('--json', 'print JSON')
    .action(async (opts: { db?: string; json?: boolean }) => (await import('./etl-run')).status(opts));

  etl
    .command('rejects')
    .description('rows quarantined by ETL jobs, newest first')
    .option('-j, --job <name>', 'only this job')
    .option('-r, --reason <code>', 'only this reason code')
    .option('-l, --limit <n>', 'at most n rows', '20')
    .option('--db <path>', 'warehouse file')
    .option('--json', 'print JSON')
    .action(async (opts: RejectsOptions) => (await import('./etl-run')).rejects(opts));
}
