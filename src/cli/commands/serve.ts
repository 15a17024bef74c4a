import type { Command } from 'commander';
import { DEFAULT_LIMITS, LIMIT_SOURCES } from '../../server/limits/settings';
import { LIMIT_KEYS } from '../specs';
import type { ServeOptions } from './serve-run';

/** The limit flags, each defaulting to its environment variable, then to DEFAULT_LIMITS. */
function withLimitOptions(c: Command): Command {
  for (const key of LIMIT_KEYS) {
    const s = LIMIT_SOURCES[key];
    const shown = s.unit === 'seconds' ? DEFAULT_LIMITS[key] / 1000 : DEFAULT_LIMITS[key];
    c.option(`--${s.flag} <${s.unit === 'count' ? 'n' : s.unit}>`, `${s.description} [${shown}, $${s.env}]`);
  }
  return c;
}

function limitsHelp(): string {
  return '\nLimits: flags win over environment variables, which win over the defaults in brackets.';
}

export function registerServe(program: Command): void {
  const withServeOptions = (c: Command) =>
    withLimitOptions(
      c
        .option('--db <path>', 'warehouse file (default data/warehouse.duckdb or $RAPPORT_DB)')
        .option(
          '--clickhouse <url>',
          'the ClickHouse that answers cube queries and reports (a copy made by rapport publish): http(s)://user:password@host:port/database or chdb:DIR [$RAPPORT_CLICKHOUSE_URL]',
        )
        .option('-p, --port <port>', 'port', process.env['PORT'] ?? '3000')
        .option('--host <host>', 'interface to listen on', process.env['HOST'] ?? '127.0.0.1'),
    ).addHelpText('after', limitsHelp());

  withServeOptions(program.command('serve').description('serve the API and dashboards over HTTP')).action(
    async (opts: ServeOptions) => (await import('./serve-run')).serve(opts),
  );

  withServeOptions(
    program
      .command('start')
      .description(
        'load the demo company into the warehouse if the file is missing, then serve (npm start); ' +
          "a warehouse holding only the demo is read at the demo's export moment unless RAPPORT_NOW is set",
      ),
  ).action(async (opts: ServeOptions) => (await import('./serve-run')).start(opts));
}
