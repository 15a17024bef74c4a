import { z } from 'zod';
import { plainSecretProblem } from './interpolate';

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

/** A password: only `${ENV_VAR}` references. */
const secret = setting.superRefine((v, ctx) => {
  const problem = plainSecretProblem(v, false);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Headers whose values are credentials (a value of another header may be plain text). */
const SECRET_HEADER = /authorization|token|secret|key|cookie|password|credential|signature/i;

const headers = z.record(z.string(), setting).superRefine((h, ctx) => {
  for (const [name, v] of Object.entries(h)) {
    const problem = SECRET_HEADER.test(name) ? plainSecretProblem(v, true) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
});

/** A URL's password (`https://user:pass@host`) is a secret like any other. */
const baseUrl = setting.superRefine((v, ctx) => {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@]*)@/i.exec(v)?.[1];
  const password = userinfo?.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : undefined;
  const problem = password === undefined ? undefined : plainSecretProblem(password, false);
  if (problem) ctx.addIssue({ code: 'custom', message: `the password in base_url: ${problem}` });
});

export const PostgresConnectionSchema = z
  .object({
    type: z.literal('postgres'),
    host: setting.optional(),
    port: setting.optional(),
    user: setting.optional(),
    password: secret.optional(),
    database: setting.optional(),
    /** One schema name, set as the session's search_path (quoted) when set. */
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
    password: secret.optional(),
    database: setting.optional(),
    ...timeouts,
  })
  .strict();

export const HttpConnectionSchema = z
  .object({
    type: z.literal('http'),
    base_url: baseUrl,
    /** Sent with every request, e.g. `Authorization: "Bearer ${CRM_API_TOKEN}"`. */
    headers: headers.optional(),
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
