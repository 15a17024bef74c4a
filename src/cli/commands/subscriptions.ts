import type { Command } from 'commander';
import type { AddSubscriptionOptions } from './subscriptions-run';

const collect = (value: string, previous: string[]) => [...previous, value];

const impl = () => import('./subscriptions-run');

/** `rapport subscriptions list|add|send|delete`: dashboards and questions delivered on a schedule. */
export function registerSubscriptions(program: Command): void {
  const subs = program
    .command('subscriptions')
    .description(
      'scheduled deliveries of a dashboard or saved question by e-mail and webhook (docs/subscriptions.md)',
    );

  subs
    .command('list')
    .description('lists subscriptions with their schedule, next run and destinations')
    .option('--db <path>', 'warehouse file')
    .option('--json', 'JSON output')
    .action(async (o: { db?: string; json?: boolean }) => (await impl()).list(o));

  subs
    .command('add')
    .description('adds a subscription (owned by the local admin, as the CLI acts)')
    .requiredOption('--name <name>', 'the subject of its messages')
    .option('--dashboard <id>', 'a dashboard to send')
    .option('--filter <name=value>', 'a dashboard filter value, e.g. channel=email (repeatable)', collect, [])
    .option('--question <id>', 'a saved question to send')
    .requiredOption('--cron <expr>', 'when, e.g. "0 8 * * 1" (Mondays 08:00)')
    .option('--tz <zone>', 'IANA time zone of the cron', 'UTC')
    .requiredOption(
      '--to <destination>',
      'an e-mail address (a,b for several), an http(s) webhook URL, or slack:URL (repeatable)',
      collect,
      [],
    )
    .option('--db <path>', 'warehouse file')
    .option('--json', 'print the subscription as JSON')
    .action(async (o: AddSubscriptionOptions) => (await impl()).add(o));

  subs
    .command('send')
    .description(
      'delivers a subscription now (settings: RAPPORT_SMTP_URL, RAPPORT_SMTP_FROM, RAPPORT_BASE_URL)',
    )
    .argument('<id>')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => (await impl()).send(id, o));

  subs
    .command('delete')
    .description('deletes a subscription (its deliveries stay in the log)')
    .argument('<id>')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => (await impl()).remove(id, o));
}
