export { FUNNEL_MODES, FUNNEL_SOURCES, type FunnelParams, FunnelParamsSchema, parseDuration } from './params';
export { type FunnelPlan, planFunnel } from './plan';
export {
  FUNNEL_COLUMNS,
  type FunnelResult,
  type FunnelStepRow,
  funnel,
  funnelActors,
  funnelReport,
} from './report';
