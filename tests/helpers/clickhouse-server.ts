/**
 * Real ClickHouse servers for tests: Debian's `clickhouse-server` 18.16, started as the current
 * user on loopback with its own ports, data directory and config in a temp directory (nothing
 * under /etc or /var is touched). Two or more servers form a cluster (`remote_servers`), one shard
 * each, for tests of Distributed tables.
 *
 *   const server = await startClickHouseServer();            // server.url = http://127.0.0.1:PORT/
 *   const cluster = await startClickHouseCluster({ shards: 2 }); // cluster.name = 'rapport_test'
 *   ...
 *   await cluster.stop();
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian puts the binary (`/usr/sbin`); `CLICKHOUSE_SERVER` names another. */
export const CLICKHOUSE_SERVER_BINARY =
  process.env['CLICKHOUSE_SERVER'] ??
  ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'].find((p) => existsSync(p)) ??
  '/usr/sbin/clickhouse-server';
/** The cluster name the servers' `remote_servers` declare unless told otherwise. */
export const TEST_CLUSTER = 'rapport_test';

export interface ClickHouseServer {
  /** `http://127.0.0.1:PORT/` (user `default`, no password, database `default`). */
  readonly url: string;
  readonly httpPort: number;
  /** The native port: what `remote_servers` and Distributed tables use between shards. */
  readonly tcpPort: number;
  /** The temp directory holding config, data and logs (removed by `stop`). */
  readonly dir: string;
  /**
   * Runs one statement over HTTP and returns the response body (throws on an HTTP error);
   * `settings` go in the URL, where 18.16 applies them to the whole statement (an INSERT's
   * `SETTINGS` clause there reaches only its SELECT).
   */
  sql(text: string, settings?: Record<string, string | number>): Promise<string>;
  stop(): Promise<void>;
}

export interface ClickHouseCluster {
  readonly name: string;
  /** One server per shard, in shard order. */
  readonly servers: readonly ClickHouseServer[];
  stop(): Promise<void>;
}

interface Ports {
  http: number;
  tcp: number;
  interserver: number;
}

const STARTUP_TIMEOUT_MS = 60_000;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts one server; with `cluster`, its config declares that cluster of one shard (itself). */
export async function startClickHouseServer(options: { cluster?: string } = {}): Promise<ClickHouseServer> {
  const ports = await freePorts();
  return launch(ports, options.cluster === undefined ? [] : [ports], options.cluster ?? TEST_CLUSTER);
}

/** Starts `shards` servers [2], each one shard of the cluster `name` [rapport_test]. */
export async function startClickHouseCluster(
  options: { shards?: number; name?: string } = {},
): Promise<ClickHouseCluster> {
  const name = options.name ?? TEST_CLUSTER;
  const all: Ports[] = [];
  for (let i = 0; i < (options.shards ?? 2); i++) all.push(await freePorts(all));
  const servers: ClickHouseServer[] = [];
  try {
    // Sequentially: two servers starting at once on two shared cores both take longer.
    for (const ports of all) servers.push(await launch(ports, all, name));
  } catch (e) {
    await Promise.all(servers.map((s) => s.stop()));
    throw e;
  }
  return { name, servers, stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) };
}

async function launch(
  ports: Ports,
  shards: readonly Ports[],
  clusterName: string,
): Promise<ClickHouseServer> {
  if (!existsSync(CLICKHOUSE_SERVER_BINARY)) {
    throw new Error(`${CLICKHOUSE_SERVER_BINARY} is missing: apt-get install clickhouse-server`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'rapport-clickhouse-'));
  for (const sub of ['data', 'tmp', 'user_files']) await mkdir(join(dir, sub));
  await writeFile(join(dir, 'config.xml'), serverConfig(dir, ports, shards, clusterName));
  await writeFile(join(dir, 'users.xml'), USERS_XML);
  const child = spawn(CLICKHOUSE_SERVER_BINARY, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: 'ignore',
  });
  running.add(child);
  installExitHook();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  const url = `http://127.0.0.1:${ports.http}/`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, child, dir);
  } catch (e) {
    await stop();
    throw e;
  }
  const sql = async (text: string, settings: Record<string, string | number> = {}): Promise<string> => {
    const query = new URLSearchParams(
      Object.entries(settings).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const response = await fetch(`${url}?${query}`, { method: 'POST', body: text });
    const body = await response.text();
    if (!response.ok) throw new Error(`ClickHouse answered ${response.status}: ${body.trim()}`);
    return body;
  };
  return { url, httpPort: ports.http, tcpPort: ports.tcp, dir, sql, stop };
}

async function waitForPing(url: string, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(join(dir, 'server.err.log'), 'utf8').catch(() => '');
      throw new Error(`clickhouse-server exited while starting (${child.exitCode}):\n${log.slice(0, 2000)}`);
    }
    try {
      const response = await fetch(`${url}ping`);
      if (response.ok && (await response.text()).startsWith('Ok')) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server did not answer ${url}ping within ${STARTUP_TIMEOUT_MS} ms`);
}

/** Three free loopback ports, none of them in `taken`. */
async function freePorts(taken: readonly Ports[] = []): Promise<Ports> {
  const used = new Set(taken.flatMap((p) => [p.http, p.tcp, p.interserver]));
  const picked: number[] = [];
  while (picked.length < 3) {
    const port = await freePort();
    if (!used.has(port) && !picked.includes(port)) picked.push(port);
  }
  return { http: picked[0]!, tcp: picked[1]!, interserver: picked[2]! };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The 18.16 config (the `<yandex>` root of that era): loopback only (no `::`, which a sandbox may
 * lack), small caches (the defaults ask for 8 GB + 5 GB), UTC, and the cluster's shards.
 */
function serverConfig(dir: string, ports: Ports, shards: readonly Ports[], clusterName: string): string {
  const shardXml = shards
    .map((s) => `      <shard><replica><host>127.0.0.1</host><port>${s.tcp}</port></replica></shard>`)
    .join('\n');
  const remote =
    shards.length === 0
      ? ''
      : `  <remote_servers>\n    <${clusterName}>\n${shardXml}\n    </${clusterName}>\n  </remote_servers>\n`;
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/server.log</log>
    <errorlog>${dir}/server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <max_concurrent_queries>50</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
${remote}</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;

/** A test run that dies without `stop` must not leave servers behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}
