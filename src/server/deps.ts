import type { FastifyServerOptions } from 'fastify';
import type { QueryService } from '../cube';
import type { DeliveryScheduler } from '../delivery/scheduler';
import type { Engine } from '../engine';
import type { Model } from '../model/types';
import type { LimitSettings } from './limits/settings';

export interface AppDeps {
  /**
   * The embedded DuckDB: application state (ETL runs and rejects, users, keys, audit, segments,
   * questions, subscriptions, target groups, …), the ETL's loads and the warehouse version.
   */
  readonly engine: Engine;
  /**
   * The engine analytical reads go to: cube queries (/v1/query, the Cube routes, dashboards'
   * cube tiles and KPIs, drill) and reports [`engine`]. A ClickHouse holding a published copy
   * of the star schema (`rapport serve --clickhouse URL`); the data version still comes from
   * `engine`'s run log, which the published copy mirrors.
   */
  readonly warehouse?: Engine;
  /** The project root: etl/, cubes/, dashboards/ and relative source paths. */
  readonly root: string;
  /** fastify's logger option: pino JSON by default in `rapport serve`, off in tests. */
  readonly logger?: FastifyServerOptions['logger'];
  /** The cube model; loaded from `<root>/cubes` when absent. */
  readonly model?: Model;
  /** HS256 secret of the JWTs the Cube-compatible routes accept [env RAPPORT_JWT_SECRET]. */
  readonly jwtSecret?: string;
  /** The clock relative date ranges are read against (tests pin it). */
  readonly now?: () => Date;
  /** Per-query time limit in the engine [30,000 ms]; `limits.queryTimeoutMs` wins. */
  readonly queryTimeoutMs?: number;
  /** Timeouts, row caps, body size, rate limit and the heavy-query cap [DEFAULT_LIMITS]. */
  readonly limits?: Partial<LimitSettings>;
  /** How long a load request waits before answering Cube's "Continue wait" [10,000 ms]. */
  readonly continueWaitMs?: number;
  /** Run the ETL jobs' `schedule`s in this process (rapport serve/start) [false]. */
  readonly schedules?: boolean;
}

/** What route plugins get: the dependencies plus the services built from them. */
export interface AppContext extends AppDeps {
  readonly model: Model;
  readonly queries: QueryService;
  /** The warehouse engine (`deps.warehouse ?? deps.engine`) under the limits. */
  readonly warehouse: Engine;
  /** The limits in force; `engine` above is the inner engine wrapped in them. */
  readonly limits: LimitSettings;
  /** Queries running under the heavy-query cap, and queries waiting for their turn. */
  queryLoad(): { running: number; queued: number; limit: number };
  /** The warehouse's data version (the last ETL run that changed data). */
  version(): number;
  /** Re-reads the warehouse version after data changed (an ETL run through the API). */
  refreshVersion(): Promise<void>;
  /**
   * Scheduled work of subscriptions, alert checks and target-group refreshes (src/delivery/
   * scheduler.ts): register on it in any app; it ticks only where `schedules` is set.
   */
  readonly scheduler: DeliveryScheduler;
}
