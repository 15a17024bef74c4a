import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { QueryService } from '../cube';
import { DeliveryScheduler } from '../delivery/scheduler';
import { warehouseVersion } from '../etl';
import { loadModel } from '../model/load';
import { installAuth } from './auth/hook';
import { VerifiedKeys } from './auth/key-cache';
import { currentModel } from './auth/scope';
import { hasActiveKeys } from './auth/users';
import type { AppContext, AppDeps } from './deps';
import { installErrorHandler } from './errors';
import { installRateLimit, serverLimits } from './limits';
import { installRequestGuards } from './request-guard';
import { alertRoutes } from './routes/alerts';
import { cubeCompatRoutes } from './routes/cube-compat';
import { customerRoutes } from './routes/customers';
import { dashboardRoutes } from './routes/dashboards';
import { docsRoutes } from './routes/docs';
import { etlRoutes } from './routes/etl';
import { healthRoutes } from './routes/health';
import { queryRoutes } from './routes/query';
import { questionRoutes } from './routes/questions';
import { reportRoutes } from './routes/reports';
import { segmentRoutes } from './routes/segments';
import { subscriptionRoutes } from './routes/subscriptions';
import { targetGroupRoutes } from './routes/target-groups';
import { userDashboardRoutes } from './routes/user-dashboards';
import { userRoutes } from './routes/users';
import { webRoutes } from './routes/web';
import { installSecurityHeaders } from './security-headers';

export type { AppContext, AppDeps } from './deps';

declare module 'fastify' {
  interface FastifyInstance {
    /** "METHOD /url" of every route, in registration order. */
    routeTable: readonly string[];
  }
}

/** Builds the HTTP app without listening, so tests can `inject()` requests. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const limits = serverLimits(deps.engine, deps.limits, deps.queryTimeoutMs);
  // Analytical reads under the same limits; a separate warehouse gets its own heavy-query cap
  // (a report holding a warehouse permit may still read state without waiting for a second one).
  const warehouse =
    deps.warehouse === undefined || deps.warehouse === deps.engine
      ? limits
      : serverLimits(deps.warehouse, deps.limits, deps.queryTimeoutMs);
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: limits.settings.bodyLimitBytes,
    // A URL fastify cannot decode (`%E0%A4%A`) answers in the catalogue's shape like any error.
    frameworkErrors: (error, _request, reply) =>
      (reply as unknown as FastifyReply)
        .status(400)
        .send({ code: 'VALIDATION_FAILED', message: error.message }),
  });
  installErrorHandler(app);
  const verified = new VerifiedKeys();
  await installRateLimit(
    app,
    limits.settings.rateLimitPerMinute,
    (token) => verified.get(token) !== undefined,
  );
  // Before authentication: cross-site requests, bodies that are not JSON and JSON nested too
  // deeply are refused before any work is done for them.
  installRequestGuards(app, { maxJsonDepth: limits.settings.maxJsonDepth });
  installSecurityHeaders(app);
  // The route table, for the check that every API route is in the OpenAPI document.
  const routes: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push(`${m} ${r.url}`);
  });
  app.decorate('routeTable', routes);
  const model = deps.model ?? loadModel(join(deps.root, 'cubes'));
  const jwtSecret = deps.jwtSecret ?? (process.env['RAPPORT_JWT_SECRET'] || undefined);
  const local = jwtSecret === undefined && !(await hasActiveKeys(deps.engine));
  const auth = installAuth(app, { engine: deps.engine, model, local, jwtSecret, audit: !local, verified });
  app.addHook('onClose', () => auth.close());
  let version = await warehouseVersion(deps.engine);
  const queries = new QueryService({
    engine: warehouse.engine,
    // The requesting user's model (access rules), the full one outside a request.
    get model() {
      return currentModel(model);
    },
    version: () => version,
    now: deps.now,
    timeoutMs: limits.settings.queryTimeoutMs,
    maxLimit: limits.settings.maxRows,
    maxStreamLimit: limits.settings.maxExportRows,
    stateInWarehouse: (deps.warehouse ?? deps.engine) === deps.engine,
  });
  // Subscriptions, alert checks and target-group refreshes register here; it ticks (real time)
  // only in rapport serve/start, and its work runs on the inner engine like ETL runs.
  const scheduler = new DeliveryScheduler({
    engine: deps.engine,
    onEvent: (e) =>
      e.kind === 'fired'
        ? app.log.info({ work: e.work, id: e.id, due: e.due, missed: e.missed }, 'scheduled work fired')
        : app.log.warn({ work: e.work, id: e.id, due: e.due, err: e.error.message }, 'scheduled work failed'),
  });
  // Request handlers get the engine under the limits; /health and ETL runs use the inner one,
  // so that neither waits behind heavy queries nor is a load interrupted by the query timeout.
  const ctx: AppContext = {
    ...deps,
    engine: limits.engine,
    warehouse: warehouse.engine,
    limits: limits.settings,
    queryLoad: () => warehouse.engine.load,
    get model() {
      return currentModel(model);
    },
    queries,
    version: () => version,
    refreshVersion: async () => {
      version = await warehouseVersion(deps.engine);
    },
    scheduler,
  };
  await app.register(async (scope) => docsRoutes(scope, ctx));
  await app.register(async (scope) => healthRoutes(scope, { ...ctx, engine: deps.engine }));
  await app.register(async (scope) => etlRoutes(scope, { ...ctx, engine: deps.engine }));
  await app.register(async (scope) => queryRoutes(scope, ctx));
  await app.register(async (scope) => cubeCompatRoutes(scope, ctx));
  await app.register(async (scope) => reportRoutes(scope, ctx));
  await app.register(async (scope) => segmentRoutes(scope, ctx));
  await app.register(async (scope) => subscriptionRoutes(scope, { ...ctx, engine: deps.engine }));
  await app.register(async (scope) => questionRoutes(scope, ctx));
  await app.register(async (scope) => alertRoutes(scope, ctx));
  await app.register(async (scope) => targetGroupRoutes(scope, ctx));
  await app.register(async (scope) => dashboardRoutes(scope, ctx));
  await app.register(async (scope) => userDashboardRoutes(scope, ctx));
  await app.register(async (scope) => customerRoutes(scope, ctx));
  await app.register(async (scope) => webRoutes(scope, ctx));
  await app.register(async (scope) =>
    userRoutes(scope, { engine: deps.engine, forgetKeys: auth.forgetKeys }),
  );
  if (deps.schedules) {
    app.addHook('onReady', async () => scheduler.start());
    app.addHook('onClose', () => scheduler.stop());
  }
  return app;
}
