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

export const SourceSchema = z.discriminatedUnion('type', [
  CsvSourceSchema,
  JsonlSourceSchema,
  ParquetSourceSchema,
]);

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
      .object({ key: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();

export type JobDefinition = z.infer<typeof JobSchema>;
export type SourceDefinition = z.infer<typeof SourceSchema>;
export type CsvOptions = z.infer<typeof csvOptions>;
export type FieldMapping = z.infer<typeof FieldMappingSchema>;
