import { z } from 'zod';

const CONTEXT_VALUE = /^\{\s*securityContext\.([A-Za-z_][A-Za-z0-9_]*)\s*\}$/;
const CONDITION = /^\{\s*(!?)\s*securityContext\.([A-Za-z_][A-Za-z0-9_]*)\s*\}$/;

export function contextAttribute(value: string): string | undefined {
  return CONTEXT_VALUE.exec(value)?.[1];
}

export function parseCondition(text: string): { attribute: string; negated: boolean } | undefined {
  const m = CONDITION.exec(text);
  return m ? { attribute: m[2]!, negated: m[1] === '!' } : undefined;
}

const memberList = z.union([z.literal('*'), z.array(z.string().min(1))]);

/** Cube's `access_policy` entry, the parts rapport supports. */
export const AccessPolicySchema = z
  .object({
    role: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    conditions: z
      .array(
        z
          .object({
            if: z.string().refine((s) => parseCondition(s) !== undefined, {
              message: 'a condition is "{ securityContext.attr }" or "{ !securityContext.attr }"',
            }),
          })
          .strict(),
      )
      .optional(),
    row_level: z
      .union([
        z.object({ allow_all: z.literal(true) }).strict(),
        z
          .object({
            filters: z
              .array(
                z
                  .object({
                    member: z.string().min(1),
                    operator: z.enum(['equals', 'notEquals']),
                    values: z.array(z.union([z.string(), z.number()])).min(1),
                  })
                  .strict(),
              )
              .min(1),
          })
          .strict(),
      ])
      .optional(),
    member_level: z
      .object({ includes: memberList.optional(), excludes: memberList.optional() })
      .strict()
      .optional(),
  })
  .strict();

export type AccessPolicyDefinition = z.infer<typeof AccessPolicySchema>;
