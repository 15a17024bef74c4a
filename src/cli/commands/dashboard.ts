import type { Command } from 'commander';
import type { RenderOptions } from './dashboard-run';

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerDashboard(program: Command): void {
  const dashboard = program
    .command('dashboard')
    .description('list dashboards and render their tiles to files');

  dashboard
    .command('list')
    .description('the dashboards in dashboards/*.yml and those saved in the browser')
    .option('--db <path>', 'warehouse file')
    .action(async (opts: { db?: string }) => (await import('./dashboard-run')).list(opts));

  dashboard
    .command('render')
    .description(
      'write every tile of a dashboard as SVG, and PNG when Chromium is installed (/usr/bin/chromium)',
    )
    .argument('<id>', 'the dashboard id (a file name without .yml, or a saved dashboard)')
    .option('--db <path>', 'warehouse file')
    .option('-o, --out <dir>', 'output directory', 'out/dashboards')
    .option(
      '--filter <name=value>',
      'a dashboard filter value, e.g. period="last 6 months" (repeatable)',
      collect,
      [],
    )
    .option('--no-png', 'SVG only')
    .action(async (id: string, opts: RenderOptions) => (await import('./dashboard-run')).render(id, opts));
}
