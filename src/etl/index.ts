export * from './contracts';
export { type Job, listJobFiles, loadJobFile, parseJobText, resolveJob } from './job/load';
export type { JobDefinition } from './job/schema';
export { type EtlEffects, runJob, STEPS, type Step } from './run-job';
export type { RunRecord } from './run-log';
export { warehouseVersion } from './run-log';
export { inLoadOrder, selectJobs } from './select-jobs';
export { ensureWarehouse, warehouseTables } from './warehouse';
