import { z } from 'zod';

/**
 * How long a database extract may wait: connecting [10 s], and one statement [10 min]
 * (PostgreSQL: each FETCH of a batch; MySQL/MariaDB: the whole streamed SELECT). A stalled
 * server thus fails the run instead of holding the warehouse's ETL lock forever.
 */
const timeouts = {
  connect_timeout_ms: z.number().int().min(1).optional(),
  statement_timeout_ms: z.number().int().min(1).optional(),
};

/** A setting that may hold `${ENV_VAR}` references: a string, or a number written plainly. */
const setting = z.union([z.string(), z.number()]).transform(String);

export const PostgresConnectionSchema = z
  .object({
    type: z.literal('postgres'),
    host: setting.optional(),
    port: setting.optional(),
    user: setting.optional(),
    password: setting.optional(),
    database: setting.optional(),
    /** Passed to the server as `options=-c search_path=…` when set. */
    schema: setting.optional(),
    ssl: z.boolean().optional(),
    ...timeouts,
  })
  .strict();

export const MysqlConnectionSchema = z
  .object({
    type: z.literal('mysql'),
    host: setting.optional(),
    port: setting.optional(),
    user: setting.optional(),
    password: setting.optional(),
    database: setting.optional(),
    ...timeouts,
  })
  .strict();

export const HttpConnectionSchema = z
  .object({
    type: z.literal('http'),
    base_url: setting,
    /** Sent with every request, e.g. `Authorization: "Bearer ${CRM_API_TOKEN}"`. */
    headers: z.record(z.string(), setting).optional(),
    timeout_ms: z.number().int().min(1).optional(),
    retry: z
      .object({
        attempts: z.number().int().min(0).max(20).optional(),
        base_delay_ms: z.number().int().min(0).optional(),
        max_delay_ms: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const ConnectionSchema = z.discriminatedUnion('type', [
  PostgresConnectionSchema,
  MysqlConnectionSchema,
  HttpConnectionSchema,
]);

export const SourcesFileSchema = z
  .object({ connections: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), ConnectionSchema) })
  .strict();

export type ConnectionDefinition = z.infer<typeof ConnectionSchema>;
export type PostgresConnection = z.infer<typeof PostgresConnectionSchema>;
export type MysqlConnection = z.infer<typeof MysqlConnectionSchema>;
export type HttpConnection = z.infer<typeof HttpConnectionSchema>;

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 600_000;
/** Client-side margin past the server's statement timeout, for a server that stopped answering. */
export const CLIENT_TIMEOUT_MARGIN_MS = 30_000;
