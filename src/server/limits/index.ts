import type { Engine } from '../../engine';
import { LimitedEngine } from './limited-engine';
import { Semaphore } from './semaphore';
import { DEFAULT_LIMITS, type LimitSettings } from './settings';

export { LimitedEngine } from './limited-engine';
export { installRateLimit, rateLimitKey } from './rate-limit';
export { Semaphore } from './semaphore';
export { DEFAULT_LIMITS, LIMIT_SOURCES, type LimitSettings, resolveLimits } from './settings';

/** The limits in force, and the engine request handlers use under them. */
export interface ServerLimits {
  readonly settings: LimitSettings;
  readonly engine: LimitedEngine;
}

/**
 * The limits from `overrides` over the defaults; `queryTimeoutMs` (the older dependency)
 * counts when the overrides do not set one.
 */
export function serverLimits(
  engine: Engine,
  overrides: Partial<LimitSettings> = {},
  queryTimeoutMs?: number,
): ServerLimits {
  const settings: LimitSettings = {
    ...DEFAULT_LIMITS,
    ...(queryTimeoutMs === undefined ? {} : { queryTimeoutMs }),
    ...overrides,
  };
  const semaphore = new Semaphore(settings.maxConcurrentQueries, settings.queueTimeoutMs);
  return {
    settings,
    engine: new LimitedEngine(engine, {
      timeoutMs: settings.queryTimeoutMs,
      maxStreamRows: settings.maxExportRows,
      semaphore,
    }),
  };
}
