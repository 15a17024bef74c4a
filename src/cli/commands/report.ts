import type { Command } from 'commander';
import { REPORT_FORMATS, REPORT_MODULES, REPORT_NAMES, REPORT_VALUE_FLAGS } from '../specs';
import type { ReportOptions } from './report-run';

/** The report named in `rapport report … NAME … --help`, if help is asked for. */
function reportAskedForHelp(args: readonly string[]): string | undefined {
  const rest = args.slice(args.indexOf('report') + 1);
  if (!rest.some((a) => a === '--help' || a === '-h')) return undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if ((REPORT_VALUE_FLAGS as readonly string[]).includes(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description(`run a report: ${REPORT_NAMES.join(', ')}`)
    .argument('<name>', 'the report')
    .option('--db <path>', 'warehouse file')
    .option(
      '--clickhouse <url>',
      'the ClickHouse that answers cube queries and reports (a copy made by rapport publish): http(s)://user:password@host:port/database or chdb:DIR [$RAPPORT_CLICKHOUSE_URL]',
    )
    .option('--as-of <date>', 'the reference date (YYYY-MM-DD)')
    .option('-f, --format <format>', `output: ${REPORT_FORMATS.join(', ')}`, 'table')
    .option('-o, --out <file>', 'write to a file')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      '\nAny other --name value is a report parameter: `rapport report NAME --help` lists them, e.g.\n' +
        '  rapport report funnel --steps visit,view_product,add_to_cart,purchase --window 7d --mode ordered\n' +
        '  rapport report rfm --filters \'[{"member":"customers.region","operator":"equals","values":["Western Europe"]}]\'',
    )
    .action(async (name: string, opts: ReportOptions, command: Command) =>
      (await import('./report-run')).report(name, opts, command.args.slice(1)),
    );

  // `rapport report NAME --help` also lists NAME's parameters, read from its schema: the
  // reports are loaded for that help only.
  program.hook('preSubcommand', async (root, sub) => {
    if (sub !== report) return;
    const name = reportAskedForHelp(root.args);
    if (name === undefined) return;
    const load = REPORT_MODULES[name];
    const { reportParamsHelp } = await import('../report-help');
    report.addHelpText(
      'after',
      load
        ? reportParamsHelp(await load())
        : `\nThere is no report "${name}"; the reports: ${REPORT_NAMES.join(', ')}.`,
    );
  });
}
