import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../../src/engine';
import { buildApp } from '../../../src/server/app';
import { DEMO_NOW, loadDemo, ROOT } from '../../helpers/demo';

/** The clock the demo is read against: its export moment, as a server holding only the demo reads it. */
export const NOW = () => DEMO_NOW;

export interface DemoServer {
  readonly url: string;
  readonly app: FastifyInstance;
  getJson<T>(path: string): Promise<T>;
  postJson<T>(path: string, body: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The app over the demo warehouse (in memory), listening on a free port on 127.0.0.1. */
export async function startDemoServer(): Promise<DemoServer> {
  const { engine }: { engine: Engine } = await loadDemo();
  const app = await buildApp({ engine, root: ROOT, now: NOW });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  const answer = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${url}${path}`, init);
    if (!res.ok)
      throw new Error(`${init?.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url,
    app,
    getJson: (path) => answer(path),
    postJson: (path, body) =>
      answer(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async close() {
      await app.close();
      await engine.close();
    },
  };
}
