import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { AppError } from '../../errors';
import { loadModel } from '../../model/load';
import { getReport, REPORTS } from '../../reports/registry';
import { runReport } from '../../reports/run';
import { clockOf, projectRoot, withWarehouse } from '../context';
import { paramsFromArgs } from '../report-args';
import { formatTable } from '../table';

const FORMATS = ['table', 'json', 'csv'] as const;

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(`run a report: ${[...REPORTS.keys()].join(', ')}`)
    .argument('<name>', 'the report')
    .option('--db <path>', 'warehouse file')
    .option('--as-of <date>', 'the reference date (YYYY-MM-DD)')
    .option('-f, --format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('-o, --out <file>', 'write to a file')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      '\nAny other --name value is a report parameter (see POST /v1/reports/NAME in /docs), e.g.\n' +
        '  rapport report funnel --steps visit,view_product,add_to_cart,purchase --window 7d --mode ordered\n' +
        '  rapport report rfm --filters \'[{"member":"customers.region","operator":"equals","values":["Western Europe"]}]\'',
    )
    .action(
      async (
        name: string,
        opts: { db?: string; asOf?: string; format: string; out?: string },
        command: Command,
      ) => {
        if (!(FORMATS as readonly string[]).includes(opts.format)) {
          throw new AppError('VALIDATION_FAILED', `--format must be one of ${FORMATS.join(', ')}`);
        }
        const report = getReport(name);
        const known = new Set(['--db', '--as-of', '--format', '-f', '--out', '-o']);
        const rest = command.args.slice(1);
        const extra: string[] = [];
        for (let i = 0; i < rest.length; i++) {
          const a = rest[i]!;
          if (known.has(a.split('=')[0]!)) {
            if (!a.includes('=')) i++;
            continue;
          }
          extra.push(a);
        }
        const params = {
          ...paramsFromArgs(report.schema, extra),
          ...(opts.asOf ? { as_of: opts.asOf } : {}),
        };
        const model = loadModel(join(projectRoot(), 'cubes'));
        await withWarehouse(opts.db, async (engine) => {
          const ctx = { engine, model, now: (await clockOf(engine)).now };
          const format = opts.format === 'table' ? 'json' : (opts.format as 'json' | 'csv');
          const result = await runReport(ctx, name, params, format);
          const out = opts.out ? createWriteStream(opts.out) : process.stdout;
          if (result.stream) {
            await pipeline(Readable.from(result.stream), out, { end: out !== process.stdout });
            return;
          }
          const output = result.output!;
          const text =
            opts.format === 'json'
              ? JSON.stringify(output.json, null, 2)
              : `${formatTable(output.rows.data as Record<string, unknown>[], output.rows.columns)}${output.footer ? `\n\n${output.footer}` : ''}`;
          if (opts.out) await pipeline(Readable.from([`${text}\n`]), out);
          else console.log(text);
        });
      },
    );
}
