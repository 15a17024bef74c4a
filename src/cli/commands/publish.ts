import type { Command } from 'commander';
import type { PublishCommandOptions } from './publish-run';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `rapport publish`: the star schema into ClickHouse, then counts and sums compared on both sides. */
export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description(
      'copies the star schema (facts and dimensions) into ClickHouse: whole the first time, then only rows of later ETL runs; reconciles counts and sums (exit 1 when they differ)',
    )
    .requiredOption(
      '--to <url>',
      'http(s)://user:password@host:port/database, or chdb:DIR (in-process ClickHouse)',
    )
    .option(
      '--cluster <name>',
      "a cluster of the server's remote_servers: facts sharded by customer, dimensions on every shard",
    )
    .option(
      '--shard <url>',
      "a shard's HTTP URL, once per shard in shard order (when shards share a host)",
      collect,
      [],
    )
    .option('--db <path>', 'warehouse file')
    .option('--json', 'JSON output')
    .action(async (o: PublishCommandOptions) => (await import('./publish-run')).publishCommand(o));
}
