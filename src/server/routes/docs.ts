import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../deps';
import { openApiDocument } from '../openapi';

/** `/openapi.json` and an interactive docs page at `/docs`, served from node_modules (no CDN). */
export async function docsRoutes(app: FastifyInstance, _ctx: AppContext): Promise<void> {
  const document = openApiDocument();
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', async () => document);
}
