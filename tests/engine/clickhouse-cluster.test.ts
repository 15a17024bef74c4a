import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseCluster, startClickHouseCluster } from '../helpers/clickhouse-server';

// The harness itself: two real 18.16 servers forming the two-shard cluster `rapport_test`.
describe('a two-shard ClickHouse 18.16 cluster on loopback', () => {
  let cluster: ClickHouseCluster;

  beforeAll(async () => {
    cluster = await startClickHouseCluster({ shards: 2 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('declares the cluster with both shards on every server', async () => {
    for (const server of cluster.servers) {
      const rows = await server.sql(
        "SELECT shard_num, port FROM system.clusters WHERE cluster = 'rapport_test' ORDER BY shard_num FORMAT TSV",
      );
      const expected = cluster.servers.map((s, i) => `${i + 1}\t${s.tcpPort}`).join('\n');
      expect(rows.trim()).toBe(expected);
    }
  });

  it('spreads rows written through a Distributed table over both shards and reads them back whole', async () => {
    for (const server of cluster.servers) {
      await server.sql('CREATE TABLE t_local (id UInt64, v Float64) ENGINE = MergeTree ORDER BY id');
    }
    const [first, second] = cluster.servers;
    await first!.sql(
      "CREATE TABLE t_all AS t_local ENGINE = Distributed('rapport_test', 'default', 't_local', id)",
    );
    // insert_distributed_sync: the rows are on the shards when the INSERT returns.
    await first!.sql('INSERT INTO t_all SELECT number, number / 2 FROM numbers(1000)', {
      insert_distributed_sync: 1,
    });
    const onFirst = Number(await first!.sql('SELECT count() FROM t_local'));
    const onSecond = Number(await second!.sql('SELECT count() FROM t_local'));
    // Sharding by id modulo 2 (two shards of weight 1): even ids on shard 1, odd ids on shard 2.
    expect(onFirst).toBe(500);
    expect(onSecond).toBe(500);
    // The sum of 0..999 halved: 999 * 1000 / 2 / 2.
    expect((await first!.sql('SELECT count(), sum(v) FROM t_all FORMAT TSV')).trim()).toBe('1000\t249750');
  });
});
