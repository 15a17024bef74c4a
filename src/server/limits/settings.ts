import { AppError } from '../../errors';

/** What the server allows one request and one client; every field has a default below. */
export interface LimitSettings {
  /** Each statement a request runs is interrupted in the engine after this long. */
  readonly queryTimeoutMs: number;
  /** Rows a JSON answer (query or report) may carry. */
  readonly maxRows: number;
  /** Rows a streamed CSV or Arrow export may carry. */
  readonly maxExportRows: number;
  /** Bytes a request body may have. */
  readonly bodyLimitBytes: number;
  /** Requests per minute per client (bearer credential, else IP); 0 turns rate limiting off. */
  readonly rateLimitPerMinute: number;
  /** Queries that may run in the engine at once; more wait in a queue. */
  readonly maxConcurrentQueries: number;
  /** How long a query may wait in that queue before the server answers SERVER_BUSY. */
  readonly queueTimeoutMs: number;
  /** Levels of objects and arrays a JSON body or a JSON query-string value may nest. */
  readonly maxJsonDepth: number;
}

export const DEFAULT_LIMITS: LimitSettings = {
  queryTimeoutMs: 30_000,
  maxRows: 50_000,
  maxExportRows: 1_000_000,
  bodyLimitBytes: 4 * 1024 * 1024,
  rateLimitPerMinute: 1200,
  maxConcurrentQueries: 4,
  queueTimeoutMs: 30_000,
  maxJsonDepth: 64,
};

/** One setting's command-line flag, environment variable and the unit both are written in. */
interface SettingSource {
  readonly flag: string;
  readonly env: string;
  readonly unit: 'seconds' | 'count' | 'bytes';
  readonly description: string;
  /** The smallest value accepted (0 where 0 means "off"). */
  readonly min: number;
  /** The largest value accepted, where a larger one would undo the limit's purpose. */
  readonly max?: number;
}

export const LIMIT_SOURCES: Record<keyof LimitSettings, SettingSource> = {
  queryTimeoutMs: {
    flag: 'query-timeout',
    env: 'RAPPORT_QUERY_TIMEOUT',
    unit: 'seconds',
    description: 'seconds a query may run before it is interrupted (504 QUERY_TIMEOUT)',
    min: 0.001,
  },
  maxRows: {
    flag: 'max-rows',
    env: 'RAPPORT_MAX_ROWS',
    unit: 'count',
    description: 'rows a JSON answer may carry (a larger limit is refused; a larger report answers 422)',
    min: 1,
  },
  maxExportRows: {
    flag: 'max-export-rows',
    env: 'RAPPORT_MAX_EXPORT_ROWS',
    unit: 'count',
    description: 'rows a CSV or Arrow export may carry',
    min: 1,
  },
  bodyLimitBytes: {
    flag: 'body-limit',
    env: 'RAPPORT_BODY_LIMIT',
    unit: 'bytes',
    description: 'bytes a request body may have (413 PAYLOAD_TOO_LARGE)',
    min: 1,
  },
  rateLimitPerMinute: {
    flag: 'rate-limit',
    env: 'RAPPORT_RATE_LIMIT',
    unit: 'count',
    description: 'requests per minute per API key or client IP, 0 for none (429 RATE_LIMITED)',
    min: 0,
  },
  maxConcurrentQueries: {
    flag: 'max-concurrent-queries',
    env: 'RAPPORT_MAX_CONCURRENT_QUERIES',
    unit: 'count',
    description: 'queries running in the engine at once; cached answers and /health skip the queue',
    min: 1,
  },
  queueTimeoutMs: {
    flag: 'queue-timeout',
    env: 'RAPPORT_QUEUE_TIMEOUT',
    unit: 'seconds',
    description: 'seconds a query may wait for its turn (503 SERVER_BUSY)',
    min: 0,
  },
  maxJsonDepth: {
    flag: 'max-json-depth',
    env: 'RAPPORT_MAX_JSON_DEPTH',
    unit: 'count',
    description: 'levels of objects and arrays a JSON body or query may nest (400 VALIDATION_FAILED)',
    min: 1,
    // Deeper values reach recursive code (validation, the query compiler) that can run out of stack.
    max: 512,
  },
};

/** Parses one setting as written on the command line or in the environment. */
export function parseLimit(key: keyof LimitSettings, text: string, where: string): number {
  const source = LIMIT_SOURCES[key];
  const n = Number(text.trim());
  const integral = source.unit !== 'seconds';
  if (
    text.trim() === '' ||
    !Number.isFinite(n) ||
    n < source.min ||
    n > (source.max ?? Number.POSITIVE_INFINITY) ||
    (integral && !Number.isInteger(n))
  ) {
    const range =
      source.max === undefined ? `of at least ${source.min}` : `from ${source.min} to ${source.max}`;
    throw new AppError(
      'CONFIG_INVALID',
      `${where} must be ${integral ? 'a whole number' : 'a number of seconds'} ${range}, got "${text}"`,
      { setting: source.flag },
    );
  }
  return source.unit === 'seconds' ? Math.round(n * 1000) : n;
}

/**
 * The limits from command-line values (by setting key, as typed) over environment variables
 * over the defaults.
 */
export function resolveLimits(
  flags: Partial<Record<keyof LimitSettings, string>>,
  env: NodeJS.ProcessEnv = process.env,
): LimitSettings {
  const out: { -readonly [K in keyof LimitSettings]: number } = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_SOURCES) as (keyof LimitSettings)[]) {
    const source = LIMIT_SOURCES[key];
    const flag = flags[key];
    const fromEnv = env[source.env];
    if (flag !== undefined) out[key] = parseLimit(key, flag, `--${source.flag}`);
    else if (fromEnv !== undefined && fromEnv !== '') out[key] = parseLimit(key, fromEnv, `$${source.env}`);
  }
  return out;
}
