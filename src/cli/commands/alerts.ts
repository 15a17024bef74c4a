import type { Command } from 'commander';
import type { AddAlertOptions } from './alerts-run';

const impl = () => import('./alerts-run');
const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description("alerts: a saved question's value watched against a condition, sent once per crossing");
  alerts
    .command('list')
    .description('the alerts with their state')
    .option('--db <path>', 'warehouse file')
    .action(async (o: { db?: string }) => (await impl()).list(o));
  alerts
    .command('add')
    .description('watch a question')
    .argument('<name>', 'the alert name')
    .requiredOption('--question <id>', 'the saved question')
    .requiredOption('--condition <condition>', 'above, below, outside_forecast or change_pct')
    .option('--threshold <number>', 'the bound (above/below) or the percentage (change_pct)')
    .option('--measure <member>', "the measure watched [the question's first]")
    .option(
      '--to <destination>',
      'an e-mail address, an http(s) webhook URL or slack:URL (repeatable)',
      collect,
      [],
    )
    .option('--schedule <cron>', 'check on this cron schedule (rapport serve)')
    .option('--timezone <zone>', 'the schedule’s time zone [UTC]')
    .option('--db <path>', 'warehouse file')
    .action(async (name: string, o: AddAlertOptions) => (await impl()).add(name, o));
  alerts
    .command('delete')
    .description('delete an alert with its history')
    .argument('<id>', 'the alert id')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => (await impl()).remove(id, o));
  alerts
    .command('check')
    .description('check alerts now (all, or the one given): record the check, send on a new crossing')
    .argument('[id]', 'the alert id')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string | undefined, o: { db?: string }) => (await impl()).check(id, o));
}
