import { z } from 'zod';

/** A saved question: a Cube REST query with its chart settings, under a name. */
export interface SavedQuestion {
  id: string;
  name: string;
  description: string | null;
  /** Cube REST query JSON, as POST /v1/query takes it. */
  query: Record<string, unknown>;
  /** Chart settings of Explore (e.g. `{type: 'line', measure: 'orders.revenue'}`); opaque here. */
  chart: Record<string, unknown>;
  createdBy: string | null;
  /** Who changed it last (the same as createdBy until someone edits it). */
  updatedBy?: string | null;
  createdAt: string;
  updatedAt: string;
}

const Name = z.string().trim().min(1, 'a question needs a name').max(200);
const Description = z.string().max(2000).nullable();
const JsonObject = z.record(z.string(), z.unknown());

/** What POST /v1/questions takes. The query's own validation is the query service's. */
export const CreateQuestionSchema = z
  .object({
    name: Name,
    description: Description.optional(),
    query: JsonObject,
    chart: JsonObject.optional(),
  })
  .strict();
export type CreateQuestion = z.infer<typeof CreateQuestionSchema>;

/** What PUT /v1/questions/:id takes: any of the fields; the rest stay. */
export const UpdateQuestionSchema = z
  .object({
    name: Name.optional(),
    description: Description.optional(),
    query: JsonObject.optional(),
    chart: JsonObject.optional(),
  })
  .strict();
export type UpdateQuestion = z.infer<typeof UpdateQuestionSchema>;

export const DuplicateQuestionSchema = z.object({ name: Name.optional() }).strict();
