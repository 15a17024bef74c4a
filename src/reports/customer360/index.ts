export type { CustomerCluster } from './cluster';
export type { CustomerClv } from './clv';
export { Customer360, type Customer360Options, type CustomerDetail } from './customer360';
export type { Kpis } from './kpis';
export type { Membership } from './memberships';
export {
  type DetailParams,
  DetailParamsSchema,
  type SearchParams,
  SearchParamsSchema,
  TIMELINE_KINDS,
  type TimelineKind,
} from './params';
export type { HistoryVersion, Profile } from './profile';
export type { CustomerRfm } from './rfm';
export type { SearchHit, SearchResult } from './search';
export type { TimelineEntry } from './timeline';
