import { z } from 'zod';
import { AccessPolicySchema } from './access/schema';
import { NAME_PATTERN, NAME_RULE, TABLE_PATTERN } from './names';

const name = z.string().regex(NAME_PATTERN, `a name is ${NAME_RULE}`);
const text = z.string().min(1);
const format = z.enum(['currency', 'percent', 'number', 'integer']);

const DimensionSchema = z
  .object({
    name,
    sql: text,
    type: z.enum(['string', 'number', 'boolean', 'time']),
    title: text.optional(),
    short_title: text.optional(),
    description: z.string().optional(),
    primary_key: z.boolean().optional(),
    public: z.boolean().optional(),
    format: format.optional(),
    /** A time dimension holding calendar dates (no time of day): a query's time zone does not shift it. */
    calendar_date: z.boolean().optional(),
    /** The dimension is a customer id filtered by membership of saved segments (target groups). */
    segment_membership: z.boolean().optional(),
    /** How values read for people: `closed_won: Won`. Values not listed are humanised (see `humanize`). */
    labels: z.record(z.string(), z.string().min(1)).optional(),
    /** Whether code-like values (`closed_won`, `in_person`) are shown in words [true]. */
    humanize: z.boolean().optional(),
    /** A JSON object column whose keys are members too: `web_events.properties.plan`. */
    json: z.boolean().optional(),
  })
  .strict()
  .refine((d) => !d.calendar_date || d.type === 'time', {
    message: 'calendar_date applies to time dimensions',
  })
  .refine((d) => !d.json || d.type === 'string', { message: 'json applies to string dimensions' });

const MeasureSchema = z
  .object({
    name,
    type: z.enum(['count', 'count_distinct', 'count_distinct_approx', 'sum', 'avg', 'min', 'max', 'number']),
    sql: text.optional(),
    title: text.optional(),
    short_title: text.optional(),
    description: z.string().optional(),
    format: format.optional(),
    filters: z.array(z.object({ sql: text }).strict()).optional(),
    public: z.boolean().optional(),
    drill_members: z.array(z.string()).optional(),
    /** Which way is good news: revenue `higher`, response times `lower`, costs `none` [higher]. */
    better: z.enum(['higher', 'lower', 'none']).optional(),
    /** The unit of a plain number, for axes and KPIs: `hours`, `days`, `items`. */
    unit: z.string().min(1).optional(),
  })
  .strict();

const SegmentSchema = z
  .object({
    name,
    sql: text,
    title: text.optional(),
    description: z.string().optional(),
    public: z.boolean().optional(),
  })
  .strict();

const JoinSchema = z
  .object({ name, relationship: z.enum(['many_to_one', 'one_to_one', 'one_to_many']), sql: text })
  .strict();

const HierarchySchema = z
  .object({ name, title: text.optional(), levels: z.array(z.string().min(1)).min(2) })
  .strict();

export const CubeSchema = z
  .object({
    name,
    title: text.optional(),
    description: z.string().optional(),
    sql_table: z
      .string()
      .regex(TABLE_PATTERN, 'sql_table is a table name, optionally schema-qualified')
      .optional(),
    sql: text.optional(),
    public: z.boolean().optional(),
    joins: z.array(JoinSchema).optional(),
    dimensions: z.array(DimensionSchema).optional(),
    measures: z.array(MeasureSchema).optional(),
    segments: z.array(SegmentSchema).optional(),
    hierarchies: z.array(HierarchySchema).optional(),
    access_policy: z.array(AccessPolicySchema).optional(),
    /**
     * The time dimension that says when each row happened (orders: ordered_at). The data's
     * coverage is read from it: a comparison with a window the data does not cover is n/a.
     */
    time_dimension: name.optional(),
  })
  .strict()
  .refine((c) => (c.sql_table === undefined) !== (c.sql === undefined), {
    message: 'a cube needs exactly one of sql_table and sql',
  });

export const CubeFileSchema = z.object({ cubes: z.array(CubeSchema).min(1) }).strict();

export type CubeDefinition = z.infer<typeof CubeSchema>;
export type CubeFile = z.infer<typeof CubeFileSchema>;
