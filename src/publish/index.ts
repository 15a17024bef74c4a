export { type Capabilities, capabilitiesOf, mapColumn } from './clickhouse-types';
export { type Cluster, openCluster } from './cluster';
export {
  type PublishOptions,
  type PublishProgress,
  type PublishResult,
  publish,
  type TableResult,
} from './publish';
export type { Reconciliation } from './reconcile';
export { type PublishTable, publishedTables } from './tables';
export { type ClickHouseTarget, openTarget, redact } from './target';
