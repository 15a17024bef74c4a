import type { Command } from 'commander';
import { QUERY_FORMATS } from '../specs';
import type { QueryOptions } from './query-run';

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description("run a cube query (Cube's REST query shape) against the warehouse")
    .argument(
      '<json>',
      'the query, e.g. \'{"measures":["orders.revenue"],"dimensions":["customers.region"]}\'',
    )
    .option('--db <path>', 'warehouse file')
    .option(
      '--clickhouse <url>',
      'the ClickHouse that answers cube queries and reports (a copy made by rapport publish): http(s)://user:password@host:port/database or chdb:DIR [$RAPPORT_CLICKHOUSE_URL]',
    )
    .option('-f, --format <format>', `output: ${QUERY_FORMATS.join(', ')}`, 'table')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action(async (json: string, opts: QueryOptions) => (await import('./query-run')).query(json, opts));

  program
    .command('sql')
    .description('print the SQL and bound parameters a cube query compiles to (nothing is run)')
    .argument('<json>', 'the query')
    .option('--db <path>', 'warehouse file whose clock relative dates are read against')
    .action(async (json: string, opts: { db?: string }) => (await import('./query-run')).sql(json, opts));
}
