import type { z } from 'zod';
import { LIMIT_SOURCES, type LimitSettings } from '../server/limits/settings';

// What a command's registration (its flags and help) and its implementation, loaded when it
// runs, both need. Light: `rapport --help` loads this module.

export const QUERY_FORMATS = ['table', 'json', 'csv', 'arrow'] as const;

export const REPORT_FORMATS = ['table', 'json', 'csv'] as const;

/** The report command's own flags that take a value; every other flag is a report parameter. */
export const REPORT_VALUE_FLAGS = [
  '--db',
  '--clickhouse',
  '--as-of',
  '--format',
  '-f',
  '--out',
  '-o',
] as const;

/** What the help of a report reads from its definition. */
export interface ReportHelpSource {
  readonly name: string;
  readonly description: string;
  readonly schema: z.ZodType;
}

/**
 * The reports of src/reports/registry.ts, each loaded from its own module: `rapport --help`
 * loads none and `rapport report NAME --help` only NAME's (the registry loads all of them, k-means
 * included). tests/cli checks that this list and the registry agree.
 */
export const REPORT_MODULES: Readonly<Record<string, () => Promise<ReportHelpSource>>> = {
  rfm: async () => (await import('../reports/rfm/report')).rfm,
  cohort: async () => (await import('../reports/cohort/report')).cohort,
  'campaign-roi': async () => (await import('../reports/campaign-roi/report')).campaignRoi,
  forecast: async () => (await import('../reports/forecast/report')).forecast,
  'pipeline-forecast': async () => (await import('../reports/forecast/pipeline')).pipelineForecast,
  segments: async () => (await import('../reports/segments/report')).segments,
  funnel: async () => (await import('../reports/funnel/report')).funnel,
  clv: async () => (await import('../reports/clv/report')).clv,
  trends: async () => (await import('../reports/trends/report')).trends,
  retention: async () => (await import('../reports/retention/report')).retention,
  stickiness: async () => (await import('../reports/stickiness/report')).stickiness,
  lifecycle: async () => (await import('../reports/lifecycle/report')).lifecycle,
  paths: async () => (await import('../reports/paths/report')).paths,
};

export const REPORT_NAMES: readonly string[] = Object.keys(REPORT_MODULES);

/** The server's limit settings, each of which has a flag. */
export const LIMIT_KEYS = Object.keys(LIMIT_SOURCES) as (keyof LimitSettings)[];
