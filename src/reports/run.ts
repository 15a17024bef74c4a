import { tableFromJSON, tableToIPC } from 'apache-arrow';
import type { ReportContext } from './common/context';
import { rowsToCsv } from './common/csv';
import { assertReportRunsOn, type ListedValues, type ReportOutput } from './common/definition';
import { parseParams } from './common/params';
import { getReport } from './registry';

export type ReportFormat = 'json' | 'csv' | 'arrow';

/** Runs a report by name: validates its parameters, then answers JSON, or CSV / Arrow bytes. */
export async function runReport(
  ctx: ReportContext,
  name: string,
  input: unknown,
  format: ReportFormat,
  /** Called with each dimension whose values the output would list; throws to refuse. */
  mayList?: (listed: ListedValues) => void,
): Promise<{ output?: ReportOutput; stream?: AsyncIterable<Uint8Array> }> {
  const report = getReport(name);
  assertReportRunsOn(report, ctx);
  const params = parseParams(report.schema, input, name);
  for (const listed of report.lists?.(params, format) ?? []) mayList?.(listed);
  if (format !== 'json' && report.table) {
    // Per-customer outputs go straight from the engine to the client, never as JS objects.
    const { sql } = await report.table(ctx, params);
    return { stream: ctx.engine.stream(sql, format) };
  }
  const output = await report.run(ctx, params);
  if (format === 'json') return { output };
  if (format === 'csv') return { output, stream: once(new TextEncoder().encode(rowsToCsv(output.rows))) };
  const table = tableFromJSON(
    output.rows.data.map((r) => Object.fromEntries(output.rows.columns.map((c) => [c, r[c] ?? null]))),
  );
  return { output, stream: once(tableToIPC(table, 'stream')) };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
