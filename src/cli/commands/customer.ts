import type { Command } from 'commander';
import type { SearchOptions, ShowOptions } from './customer-run';

export function registerCustomer(program: Command): void {
  const customer = program
    .command('customer')
    .description('Customer 360: find a customer, see everything about them');
  customer
    .command('show')
    .description('profile, history, KPIs, RFM, cluster, segments and timeline of one customer')
    .argument('<id>', 'the customer id')
    .option('--db <path>', 'warehouse file')
    .option('--as-of <date>', 'the reference date of KPIs and RFM (YYYY-MM-DD)')
    .option('--limit <n>', 'timeline entries', '30')
    .option(
      '--kinds <list>',
      'timeline kinds, comma separated (order,interaction,campaign,web_session,deal,ticket)',
    )
    .option('--before <timestamp>', 'timeline entries before this instant')
    .option('--json', 'the whole detail as JSON (as GET /v1/customers/:id)')
    .action(async (id: string, o: ShowOptions) => (await import('./customer-run')).show(id, o));
  customer
    .command('search')
    .description('customers by id, name, e-mail or phone')
    .argument('<text>', 'what to look for')
    .option('--db <path>', 'warehouse file')
    .option('--limit <n>', 'rows', '20')
    .option('--json', 'as JSON (as GET /v1/customers?search=)')
    .action(async (text: string, o: SearchOptions) => (await import('./customer-run')).search(text, o));
}
