import type { QueryService } from '../cube';
import type { ReportContext } from '../reports/common/context';

/** What a dashboard runs its tiles with: the cube queries and the reports, for one user. */
export interface DashboardServices {
  readonly queries: QueryService;
  readonly reports: ReportContext;
}
