import { z } from 'zod';
import { IsoDate, ReportBaseShape } from '../../common/params';

/**
 * Who is counted: `person` is the customer id, else the anonymous id (the funnel's
 * customer_then_anonymous); `customer` leaves out rows without a customer id; `anonymous` and
 * `session` count anonymous ids and session ids.
 */
export const INSIGHT_ACTORS = ['person', 'customer', 'anonymous', 'session'] as const;
export type InsightActor = (typeof INSIGHT_ACTORS)[number];

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** An event name of web_events (checked against the events present when the report runs). */
export const EventName = z.string().min(1).max(200);

/** What every insight accepts besides its own parameters. */
export const InsightShape = {
  ...ReportBaseShape,
  /** Whom the report counts [person]. */
  actor: z.enum(INSIGHT_ACTORS).default('person'),
  /**
   * A dimension of web_events (`source`, `web_events.page`), an event property
   * (`properties.plan`) or a dimension of a joined cube (`customers.region`).
   */
  breakdown: z.string().min(1).max(300).optional(),
  /** The first day of the range, in the report's zone [the first day of the data]. */
  from: IsoDate.optional(),
};
