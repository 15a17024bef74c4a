import { AppError } from '../errors';
import { campaignRoi } from './campaign-roi/report';
import { clv } from './clv/report';
import { cohort } from './cohort/report';
import type { ReportDefinition } from './common/definition';
import { pipelineForecast } from './forecast/pipeline';
import { forecast } from './forecast/report';
import { funnel } from './funnel/report';
import { lifecycle } from './lifecycle/report';
import { paths } from './paths/report';
import { retention } from './retention/report';
import { rfm } from './rfm/report';
import { segments } from './segments/report';
import { stickiness } from './stickiness/report';
import { trends } from './trends/report';

// The registry erases each report's parameter type: parameters are validated by the report's
// own schema before `run` sees them.
const erase = <P>(d: ReportDefinition<P>) => d as unknown as ReportDefinition<unknown>;

export const REPORTS: ReadonlyMap<string, ReportDefinition<unknown>> = new Map(
  [
    erase(rfm),
    erase(cohort),
    erase(campaignRoi),
    erase(forecast),
    erase(pipelineForecast),
    erase(segments),
    erase(funnel),
    erase(clv),
    erase(trends),
    erase(retention),
    erase(stickiness),
    erase(lifecycle),
    erase(paths),
  ].map((d) => [d.name, d]),
);

export function getReport(name: string): ReportDefinition<unknown> {
  const r = REPORTS.get(name);
  if (!r) {
    throw new AppError('NOT_FOUND', `no report "${name}"; reports: ${[...REPORTS.keys()].join(', ')}`, {
      report: name,
    });
  }
  return r;
}
