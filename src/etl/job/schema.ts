import { z } from 'zod';

const NAME = /^[a-z][a-z0-9_-]*$/;

const csvOptions = z
  .object({
    delimiter: z.string().min(1).max(4).optional(),
    header: z.boolean().optional(),
    quote: z.string().max(1).optional(),
    escape: z.string().max(1).optional(),
    encoding: z.enum(['utf-8', 'utf8', 'utf-16', 'latin-1', 'latin1']).optional(),
    skip: z.number().int().min(0).optional(),
    null_values: z.array(z.string()).optional(),
    timestamp_format: z.string().min(1).optional(),
    date_format: z.string().min(1).optional(),
    decimal_separator: z.enum(['.', ',']).optional(),
  })
  .strict();

const castOptions = csvOptions
  .pick({ timestamp_format: true, date_format: true, decimal_separator: true })
  .strict();

const path = z.string().min(1, 'path must not be empty');

export const CsvSourceSchema = z
  .object({ type: z.literal('csv'), path, options: csvOptions.optional() })
  .strict();
export const JsonlSourceSchema = z
  .object({ type: z.literal('jsonl'), path, options: castOptions.optional() })
  .strict();
export const ParquetSourceSchema = z
  .object({ type: z.literal('parquet'), path, options: castOptions.optional() })
  .strict();

const connection = z.string().min(1, 'connection must name an entry of etl/sources.yml');
/** A table name, optionally schema-qualified: quoted as an identifier, never spliced as SQL. */
const TABLE = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;
const batchSize = z.number().int().min(1).max(1_000_000).optional();

/** Exactly one of `table` and `query` (checked with the file's lines in job/load.ts). */
const databaseSource = {
  connection,
  table: z.string().regex(TABLE, 'table is a name or schema.name').optional(),
  query: z.string().min(1).optional(),
  /** Rows per fetch; memory holds one batch [10,000]. */
  batch_size: batchSize,
  options: castOptions.optional(),
};

export const PostgresSourceSchema = z.object({ type: z.literal('postgres'), ...databaseSource }).strict();
export const MysqlSourceSchema = z.object({ type: z.literal('mysql'), ...databaseSource }).strict();

const param = z.string().min(1);
const size = z.number().int().min(1).max(100_000).optional();
export const PaginationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z
    .object({
      type: z.literal('page'),
      param: param.optional(),
      size_param: param.optional(),
      size,
      first: z.number().int().optional(),
    })
    .strict(),
  z
    .object({ type: z.literal('offset'), param: param.optional(), size_param: param.optional(), size })
    .strict(),
  z
    .object({
      type: z.literal('cursor'),
      param: param.optional(),
      /** Dotted path of the next cursor in the response body; absent, null or "" ends. */
      next: z.string().min(1),
      size_param: param.optional(),
      size,
    })
    .strict(),
]);

export const HttpSourceSchema = z
  .object({
    type: z.literal('http'),
    connection,
    /** Appended to the connection's base_url. */
    path: z.string().regex(/^\//, 'path starts with /'),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Dotted path of the records array in the response body; the body itself when absent. */
    records: z.string().min(1).optional(),
    pagination: PaginationSchema.optional(),
    /** Query parameter that receives the watermark (minus overlap) on incremental runs. */
    incremental_param: param.optional(),
    /** Pages one extract may read [10 000]: an API that ignores the page parameter fails. */
    max_pages: z.number().int().min(1).optional(),
    options: castOptions.optional(),
  })
  .strict();

export const SourceSchema = z.discriminatedUnion('type', [
  CsvSourceSchema,
  JsonlSourceSchema,
  ParquetSourceSchema,
  PostgresSourceSchema,
  MysqlSourceSchema,
  HttpSourceSchema,
]);

export const REMOTE_SOURCE_TYPES = ['postgres', 'mysql', 'http'] as const;
export type RemoteSourceType = (typeof REMOTE_SOURCE_TYPES)[number];

/** A contract field's source: a source column name, or a SQL expression over source columns. */
export const FieldMappingSchema = z.union([
  z.string().min(1),
  z.object({ expr: z.string().min(1) }).strict(),
  z.object({ value: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
]);

export const JobSchema = z
  .object({
    name: z.string().regex(NAME, 'a job name is lower-case letters, digits, - and _, starting with a letter'),
    description: z.string().optional(),
    source: SourceSchema,
    target: z.string(),
    mapping: z.record(z.string(), FieldMappingSchema),
    incremental: z
      .object({
        key: z.string().min(1),
        /**
         * Remote sources re-read this far behind the watermark (seconds, or "10 minutes", for a
         * timestamp key; ids for an integer key), so that rows committed late are not lost; the
         * merge by natural key keeps re-read rows from being counted twice.
         */
        overlap: z.union([z.number().min(0), z.string().min(1)]).optional(),
      })
      .strict()
      .optional(),
    /** Remote sources: rows flagged deleted remove their fact row instead of loading. */
    soft_delete: z
      .union([
        z.object({ column: z.string().min(1) }).strict(),
        z.object({ expr: z.string().min(1) }).strict(),
      ])
      .optional(),
    /** A cron expression (5 or 6 fields); the server runs the job on it. */
    schedule: z.string().min(1).optional(),
  })
  .strict();

export type JobDefinition = z.infer<typeof JobSchema>;
export type SourceDefinition = z.infer<typeof SourceSchema>;
export type PostgresSource = z.infer<typeof PostgresSourceSchema>;
export type MysqlSource = z.infer<typeof MysqlSourceSchema>;
export type HttpSource = z.infer<typeof HttpSourceSchema>;
export type RemoteSource = PostgresSource | MysqlSource | HttpSource;
export type FileSource = Exclude<SourceDefinition, RemoteSource>;

export function isRemoteSource(s: SourceDefinition): s is RemoteSource {
  return (REMOTE_SOURCE_TYPES as readonly string[]).includes(s.type);
}
export type CsvOptions = z.infer<typeof csvOptions>;
export type FieldMapping = z.infer<typeof FieldMappingSchema>;
