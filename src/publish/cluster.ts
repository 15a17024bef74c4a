import { AppError } from '../errors';
import { raw } from '../sql';
import { type ClickHouseTarget, openTarget, parseTargetUrl } from './target';

/** A cluster of the target's `remote_servers`, with a connection to every shard. */
export interface Cluster {
  readonly name: string;
  /** In shard order; each creates its own tables and takes its dimensions' full copy. */
  readonly shards: readonly ClickHouseTarget[];
}

/**
 * Reads the cluster's shards from the target's `system.clusters` and connects to each over
 * HTTP. Tables are created shard by shard rather than with `ON CLUSTER`, which needs ZooKeeper
 * (Debian's 18.16 has none), and dimensions are inserted into every shard directly. A shard's
 * HTTP address is its host at the target URL's port and credentials, unless `shardUrls` gives
 * every shard's URL in shard order (servers sharing a host on different ports).
 */
export async function openCluster(
  to: ClickHouseTarget,
  toUrl: string,
  name: string,
  shardUrls: readonly string[] = [],
): Promise<Cluster> {
  const parsed = parseTargetUrl(toUrl);
  if (parsed.kind !== 'http')
    throw new AppError(
      'VALIDATION_FAILED',
      '--cluster needs a ClickHouse server (http:// or https://), not chdb',
    );
  // Every cluster, filtered here: 18.16 binds no query parameters, and a name is never spliced into SQL.
  const rows = await to.rows(
    raw('SELECT cluster, shard_num, replica_num, host_address, is_local FROM system.clusters'),
  );
  const mine = rows.filter((r) => r['cluster'] === name);
  if (mine.length === 0) {
    const known = [...new Set(rows.map((r) => String(r['cluster'])))].join(', ') || 'none';
    throw new AppError(
      'VALIDATION_FAILED',
      `--cluster ${name}: ${to.label} has no such cluster in remote_servers (it has: ${known})`,
    );
  }
  if (mine.some((r) => Number(r['replica_num']) > 1))
    throw new AppError(
      'UNSUPPORTED_FEATURE',
      `--cluster ${name} has replicas; publish writes one MergeTree per shard and supports clusters without replicas`,
    );
  // Queries go to the --to server: its Distributed tables and dimension copies must be there.
  if (!mine.some((r) => Number(r['is_local']) === 1))
    throw new AppError('VALIDATION_FAILED', `--to ${to.label} is not one of the shards of cluster ${name}`);
  const hosts = mine
    .sort((a, b) => Number(a['shard_num']) - Number(b['shard_num']))
    .map((r) => String(r['host_address']));
  let urls: string[];
  if (shardUrls.length > 0) {
    if (shardUrls.length !== hosts.length)
      throw new AppError(
        'VALIDATION_FAILED',
        `--cluster ${name} has ${hosts.length} shards, but --shard gives ${shardUrls.length} URLs`,
      );
    urls = [...shardUrls];
  } else {
    const base = new URL(toUrl);
    urls = hosts.map((h) => {
      const u = new URL(base.href);
      u.hostname = h.includes(':') ? `[${h}]` : h;
      return u.href;
    });
    const seen = new Map<string, number>();
    urls.forEach((u, i) => {
      const other = seen.get(u);
      if (other !== undefined)
        throw new AppError(
          'VALIDATION_FAILED',
          `shards ${other + 1} and ${i + 1} of cluster ${name} are both on ${hosts[i]}: give every shard's HTTP URL with --shard`,
        );
      seen.set(u, i);
    });
  }
  const shards: ClickHouseTarget[] = [];
  try {
    for (const u of urls) {
      const shard = await openTarget(u);
      if (shard.database !== to.database)
        throw new AppError(
          'VALIDATION_FAILED',
          `--shard ${shard.label} names database ${shard.database}, --to ${to.database}`,
        );
      shards.push(shard);
    }
  } catch (e) {
    await Promise.all(shards.map((s) => s.close()));
    throw e;
  }
  return { name, shards };
}
