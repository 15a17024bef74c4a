import { z } from 'zod';
import { castValue } from './cast-js';
import type { LandingContract } from './contract';

/**
 * The zod schema of a landing contract: parses one source row (values as text or JSON scalars)
 * into typed values, with the same rules the SQL loader applies. An issue's `params.reason` is
 * the reject reason code the loader would record.
 */
export function contractSchema(contract: LandingContract) {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(contract.fields)) {
    shape[name] = z.unknown().transform((raw, ctx) => {
      const defaulted = raw === undefined || raw === null || raw === '' ? jsDefault(contract, name) : raw;
      const r = castValue(spec, defaulted, name);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: r.message, params: { reason: r.reason } });
      return z.NEVER;
    });
  }
  return z.object(shape).superRefine((row, ctx) => {
    for (const rule of contract.rules ?? []) {
      if (rule.test(row)) {
        ctx.addIssue({
          code: 'custom',
          path: [rule.field],
          message: rule.message,
          params: { reason: rule.reason },
        });
      }
    }
  });
}

function jsDefault(contract: LandingContract, field: string): unknown {
  return contract.defaults?.[field];
}
