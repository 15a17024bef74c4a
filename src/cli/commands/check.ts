import type { Command } from 'commander';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('validate every YAML file in etl/, cubes/ and dashboards/ and report all problems at once')
    .option('--json', 'print the problems as JSON')
    .action(async (opts: { json?: boolean }) => (await import('./check-run')).check(opts));
}
