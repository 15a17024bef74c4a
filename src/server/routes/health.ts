import type { FastifyInstance } from 'fastify';
import { warehouseVersion } from '../../etl';
import type { AppContext } from '../deps';

export async function healthRoutes(app: FastifyInstance, deps: AppContext): Promise<void> {
  const started = Date.now();
  app.get('/health', async () => ({
    status: 'ok',
    warehouseVersion: await warehouseVersion(deps.engine),
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
    queries: deps.queryLoad(),
  }));
}
