import { join } from 'node:path';
import { AppError } from '../../errors';
import { loadModel } from '../../model/load';
import {
  type ClickHouseTarget,
  type Cluster,
  openCluster,
  openTarget,
  type PublishProgress,
  type PublishResult,
  publish,
} from '../../publish';
import { formatTable } from '../../util/text-table';
import { projectRoot, withWarehouse } from '../context';

export interface PublishCommandOptions {
  to: string;
  cluster?: string;
  shard: string[];
  db?: string;
  json?: boolean;
}

export async function publishCommand(o: PublishCommandOptions): Promise<void> {
  if (o.shard.length > 0 && o.cluster === undefined)
    throw new AppError(
      'VALIDATION_FAILED',
      '--shard gives the URLs of the shards of a --cluster; name the cluster',
    );
  const model = loadModel(join(projectRoot(), 'cubes'));
  const result = await withWarehouse(o.db, async (from) => {
    const to = await openTarget(o.to);
    let cluster: Cluster | undefined;
    try {
      if (o.cluster !== undefined) cluster = await openCluster(to, o.to, o.cluster, o.shard);
      return await publish({
        from,
        to,
        model,
        ...(cluster ? { cluster } : {}),
        onProgress: progress(to, cluster),
      });
    } finally {
      await Promise.all(cluster?.shards.map((s) => s.close()) ?? []);
      await to.close();
    }
  });
  process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : `${report(result)}\n`);
  const bad = result.reconciliation.filter((r) => r.mismatches.length > 0);
  if (bad.length > 0) {
    process.stderr.write(
      `error: ${bad.length} table(s) do not reconcile: ${bad.map((r) => r.table).join(', ')}\n`,
    );
    process.exitCode = 1;
  }
}

function progress(to: ClickHouseTarget, cluster: Cluster | undefined): (e: PublishProgress) => void {
  const where = cluster ? `${to.label} (cluster ${cluster.name}, ${cluster.shards.length} shards)` : to.label;
  return (e) => {
    if (e.kind === 'table' && e.index === 0)
      process.stderr.write(`publishing into ${where}, ClickHouse ${to.version}\n`);
    if (e.kind === 'copying') {
      const why = e.reason ? ` (${e.reason})` : '';
      const files = e.files === 1 ? '1 file' : `${e.files} files`;
      process.stderr.write(`  ${e.table}: ${e.mode}${why}, copying ${e.rows} rows in ${files}\n`);
    }
    if (e.kind === 'published') {
      const r = e.result;
      process.stderr.write(`  ${r.table}: ${r.mode}, ${r.copied} rows in ${r.seconds.toFixed(2)} s\n`);
    }
    if (e.kind === 'reconciling') process.stderr.write('reconciling counts and sums\n');
  };
}

function report(result: PublishResult): string {
  const tables = result.tables.map((t) => ({
    table: t.table,
    kind: t.kind,
    mode: t.mode,
    copied: t.copied,
    rows: t.rows,
    seconds: Number(t.seconds.toFixed(2)),
    'rows/s': t.copied > 0 ? Math.round(t.copied / t.seconds) : null,
  }));
  const checks = result.reconciliation.map((r) => ({
    table: r.table,
    where: r.where,
    'duckdb rows': r.duckdbRows,
    'clickhouse rows': r.clickhouseRows,
    sums: r.sums,
    result:
      r.mismatches.length === 0
        ? 'equal'
        : `DIFFERS: ${r.mismatches.map((m) => `${m.column} ${m.duckdb} vs ${m.clickhouse}`).join('; ')}`,
  }));
  const rate =
    result.copied > 0 ? `, ${Math.round(result.copied / result.seconds).toLocaleString('en-US')} rows/s` : '';
  return [
    formatTable(tables),
    '',
    `${result.copied.toLocaleString('en-US')} rows copied in ${result.seconds.toFixed(1)} s${rate}`,
    '',
    formatTable(checks),
  ].join('\n');
}
