import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../errors';
import { loadModel } from '../../model/load';
import { getReport } from '../../reports/registry';
import { runReport } from '../../reports/run';
import { formatTable } from '../../util/text-table';
import { clickhouseUrl, clockOf, projectRoot, withWarehouses } from '../context';
import { checkParams, paramsFromArgs } from '../report-args';
import { paramField } from '../report-schema';
import { REPORT_FORMATS, REPORT_VALUE_FLAGS } from '../specs';

export interface ReportOptions {
  db?: string;
  /** The ClickHouse the report reads instead of the DuckDB file [$RAPPORT_CLICKHOUSE_URL]. */
  clickhouse?: string;
  asOf?: string;
  format: string;
  out?: string;
}

/** Runs report `name`; `args` are the command line after the name. */
export async function report(name: string, opts: ReportOptions, args: readonly string[]): Promise<void> {
  if (!(REPORT_FORMATS as readonly string[]).includes(opts.format)) {
    throw new AppError('VALIDATION_FAILED', `--format must be one of ${REPORT_FORMATS.join(', ')}`);
  }
  const definition = getReport(name);
  const known = new Set<string>(REPORT_VALUE_FLAGS);
  const extra: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (known.has(a.split('=')[0]!)) {
      if (!a.includes('=')) i++;
      continue;
    }
    extra.push(a);
  }
  const params = {
    ...paramsFromArgs(definition.schema, extra),
    ...(opts.asOf ? { as_of: opts.asOf } : {}),
  };
  // Before the warehouse opens: a mistake is named by its flag.
  checkParams(definition.schema, params, name);
  const model = loadModel(join(projectRoot(), 'cubes'));
  await withWarehouses(opts.db, clickhouseUrl(opts.clickhouse), async ({ state, warehouse }) => {
    const ctx = { engine: warehouse, state, model, now: (await clockOf(state)).now };
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
    if (opts.format === 'table') {
      const note = truncationNote(output.rows.data.length, output.json['customers_total'], definition.schema);
      if (note) process.stderr.write(`${note}\n`);
    }
  });
}

/**
 * Per-customer reports answer JSON with the first `limit` customers (1,000 by default); the
 * table is made of those, so it says when there are more and how to get them all.
 */
export function truncationNote(
  shown: number,
  total: unknown,
  schema: Parameters<typeof paramField>[0],
): string {
  if (typeof total !== 'number' || total <= shown) return '';
  const n = (x: number) => x.toLocaleString('en-US');
  const max = paramField(schema, 'limit')?.max?.value ?? 0;
  const more = total <= max ? `--limit ${total} or ` : '';
  return `showing ${n(shown)} of ${n(total)} rows; ${more}--format csv for all`;
}
