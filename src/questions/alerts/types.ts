import { z } from 'zod';

export const CONDITIONS = ['above', 'below', 'outside_forecast', 'change_pct'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** An alert: one value of a saved question watched against a condition. */
export interface Alert {
  id: string;
  questionId: string;
  name: string;
  /** The measure watched; null: the question's first measure. */
  measure: string | null;
  condition: Condition;
  /** The bound of above/below; the percentage of change_pct; null for outside_forecast. */
  threshold: number | null;
  /** Where a firing goes (src/delivery/destinations.ts's Destination), validated by the server. */
  destinations: unknown[];
  /** Cron expression of scheduled checks (with `timezone`); null: checked on demand only. */
  schedule: string | null;
  timezone: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One check of an alert, as the history keeps it. */
export interface AlertEvent {
  alertId: string;
  checkedAt: string;
  period: string | null;
  value: number | null;
  reference: number | null;
  lower: number | null;
  upper: number | null;
  crossed: boolean;
  fired: boolean;
  delivery: string | null;
  error: string | null;
}

export const AlertInputSchema = z
  .object({
    name: z.string().trim().min(1, 'an alert needs a name').max(200),
    question: z.string().min(1, 'the id of a saved question'),
    measure: z.string().min(1).optional(),
    condition: z.enum(CONDITIONS),
    threshold: z.number().finite().optional(),
    destinations: z.array(z.unknown()).max(20).default([]),
    schedule: z.string().min(1).max(100).optional(),
    timezone: z.string().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((a, issues) => {
    if (
      (a.condition === 'above' || a.condition === 'below' || a.condition === 'change_pct') &&
      a.threshold === undefined
    )
      issues.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: `condition ${a.condition} needs a threshold`,
      });
    if (a.condition === 'change_pct' && a.threshold !== undefined && a.threshold <= 0)
      issues.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: 'change_pct takes a percentage above 0, e.g. 20',
      });
    if (a.condition === 'outside_forecast' && a.threshold !== undefined)
      issues.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: 'outside_forecast takes no threshold: the band is the forecast’s 95% interval',
      });
  });
export type AlertInput = z.infer<typeof AlertInputSchema>;
