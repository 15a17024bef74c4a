import { z } from 'zod';
import { RESPONSE_EVENTS } from '../../util/vocabulary';
import { ReportBaseShape } from '../common/params';

export const ATTRIBUTION_MODELS = ['last_touch', 'first_touch', 'linear', 'time_decay', 'position'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export const CampaignRoiParamsSchema = z
  .object({
    ...ReportBaseShape,
    /** The attribution model of the rows and CSV [last_touch]; JSON shows every model side by side. */
    model: z.enum(ATTRIBUTION_MODELS).default('last_touch'),
    /** Touches count within this many days before an order [30]. */
    window_days: z.number().positive().max(3650).default(30),
    /** time_decay: a touch this many days older weighs half [7]. */
    half_life_days: z.number().positive().max(3650).default(7),
    /** Response events that are touches [clicked, responded, converted]. */
    touch_events: z.array(z.enum(RESPONSE_EVENTS)).min(1).default(['clicked', 'responded', 'converted']),
    /** Attribute under every model for the side-by-side comparison [true]; false computes only `model`. */
    compare_models: z.boolean().default(true),
    /** Only these campaigns [all]. */
    campaigns: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type CampaignRoiParams = z.infer<typeof CampaignRoiParamsSchema>;

export const CAMPAIGN_ROI_COLUMNS = [
  'campaign_id',
  'campaign',
  'kind',
  'cost',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'responded',
  'converted',
  'visitors',
  'attributed_orders',
  'attributed_revenue',
  'roi',
  'romi',
  'cac',
  'uplift',
  'incremental_revenue',
] as const;
