/**
 * The two ways to reach ClickHouse, behind one `@clickhouse/client`: a server over HTTP(S), or
 * chdb (ClickHouse inside this process) through its client connection. The engine code is the
 * same for both; what differs is here.
 *
 * chdb binds one data directory per process and applies settings with `SET` on its one session,
 * so: one client per directory, shared by every engine opened on it (refcounted); requests run
 * one at a time (two interleaved `SET … ; query` scripts would see each other's settings); after
 * a failed request a throwaway command takes up what the failure left in the output buffer
 * (chdb 3.4 prepends a half-written result to the next one); closing the last engine waits for
 * chdb's background work (`drainPending`) so another directory can be opened.
 */

import { resolve } from 'node:path';
import type { ClickHouseClient, createClient } from '@clickhouse/client';
import { AppError } from '../errors';

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export interface ClickHouseConnection {
  readonly client: ClickHouseClient;
  /** In-process (chdb): no HTTP-only settings, no server sessions, one request at a time. */
  readonly inProcess: boolean;
  /** Runs `request` when the connection may take it (at once over HTTP; queued on chdb). */
  run<T>(request: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const CHDB_PREFIX = 'chdb:';

/** Whether `url` names a ClickHouse (`http(s)://…` or `chdb:DIR`) rather than a DuckDB file. */
export function isClickHouseUrl(url: string): boolean {
  return url.startsWith(CHDB_PREFIX) || /^https?:\/\//i.test(url);
}

/** The client's own wait for an answer; rapport's timeouts (settings and abort) come first. */
const REQUEST_TIMEOUT_MS = 24 * 3_600_000;

/** The client, loaded when a ClickHouse is first opened (DuckDB-only commands start faster). */
function loadClient(): Promise<typeof import('@clickhouse/client')> {
  return import('@clickhouse/client');
}

export async function connectClickHouse(url: string): Promise<ClickHouseConnection> {
  if (url.startsWith(CHDB_PREFIX)) return connectChdb(url.slice(CHDB_PREFIX.length));
  const { createClient, ClickHouseLogLevel } = await loadClient();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError(
      'CONFIG_INVALID',
      'The ClickHouse URL is not a URL (http(s)://user:password@host:port/database)',
    );
  }
  // The client reads user, password and database (the path) from the URL itself.
  const client = createClient({
    url: parsed,
    request_timeout: REQUEST_TIMEOUT_MS,
    // The client warns about long request timeouts; rapport logs failures itself.
    log: { level: ClickHouseLogLevel.OFF },
  });
  return { client, inProcess: false, run: (request) => request(), close: () => client.close() };
}

interface ChdbDirectory {
  readonly path: string;
  readonly client: ClickHouseClient;
  refs: number;
  /** The tail of the request queue. */
  queue: Promise<unknown>;
}

/** The one data directory chdb has bound in this process, while an engine uses it. */
let bound: ChdbDirectory | undefined;
/** A close in progress: the next open waits for it (chdb must drain before it binds again). */
let closing: Promise<void> = Promise.resolve();

async function connectChdb(dir: string): Promise<ClickHouseConnection> {
  if (dir === '') throw new AppError('CONFIG_INVALID', 'A chdb URL names a data directory: chdb:DIR');
  const path = resolve(dir);
  const { createChdbConnection } = await importChdb();
  const { createClient } = await loadClient();
  // Wait out closes (one may start while we wait); from here to `refs++` nothing awaits, so two
  // opens at once share one client.
  for (let pending = closing; ; pending = closing) {
    await pending;
    if (pending === closing) break;
  }
  if (bound && bound.path !== path) {
    throw new AppError(
      'CONFLICT',
      `chdb holds one data directory per process and ${bound.path} is open; close its engine before opening ${path}`,
    );
  }
  if (!bound) {
    // chdb implements the Connection of @clickhouse/client-common 1.23.0, which the client 1.23.1
    // bundles as its own copy: the same shape, two declarations TypeScript does not unify.
    const connection = createChdbConnection({ path }) as unknown as ClientConnection;
    const client = createClient({ connection });
    bound = { path, client, refs: 0, queue: Promise.resolve() };
  }
  const directory = bound;
  directory.refs++;
  let closed = false;
  return {
    client: directory.client,
    inProcess: true,
    run: (request) => enqueue(directory, request),
    close: async () => {
      if (closed) return;
      closed = true;
      if (--directory.refs > 0) return;
      bound = undefined;
      closing = (async () => {
        await directory.queue.catch(() => undefined);
        await directory.client.close();
        const { drainPending } = await import('chdb');
        await drainPending();
      })();
      await closing;
    },
  };
}

function enqueue<T>(directory: ChdbDirectory, request: () => Promise<T>): Promise<T> {
  const result = directory.queue.then(async () => {
    try {
      return await request();
    } catch (e) {
      // An aborted request's computation goes on inside chdb: wait for it, then clear the output
      // a failure leaves behind, before the next request runs.
      const { drainPending } = await import('chdb');
      await drainPending();
      await directory.client.command({ query: 'SELECT 1' }).catch(() => undefined);
      throw e;
    }
  });
  directory.queue = result.catch(() => undefined);
  return result;
}

async function importChdb(): Promise<typeof import('chdb/connection')> {
  try {
    return await import('chdb/connection');
  } catch (e) {
    throw new AppError(
      'UNSUPPORTED_FEATURE',
      'In-process ClickHouse (chdb: URLs) needs the chdb package, which production installs leave out: npm install chdb',
      undefined,
      { cause: e },
    );
  }
}
