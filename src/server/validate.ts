import type { z } from 'zod';
import { AppError } from '../errors';

/** Parses request input with zod; a failure is the user's mistake (400), with every issue listed. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, where: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError(
    'VALIDATION_FAILED',
    `invalid ${where}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    { issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
  );
}
