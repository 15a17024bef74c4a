import { AppError } from '../../errors';
import type { ClvModel } from '../clv/model';
import { clv } from '../clv/report';
import type { ReportContext } from '../common/context';
import { reportRunsOn } from '../common/definition';
import { planRfm, rfm } from '../rfm/report';
import { segments } from '../segments/report';
import {
  assignCustomerSql,
  type ClusterModel,
  type CustomerCluster,
  clusterModel,
  clusterOf,
} from './cluster';
import { type CustomerClv, clvPopulationModel, customerClv } from './clv';
import { customerKpis, type Kpis } from './kpis';
import { customerSegments, type Membership } from './memberships';
import { Memo, memoKey } from './memo';
import type { DetailParams, SearchParams, TimelineKind } from './params';
import { customerProfile, type HistoryVersion, type Profile } from './profile';
import {
  type CustomerRfm,
  customerRfmSql,
  type RfmPopulation,
  rfmPopulation,
  rfmValues,
  scoreRfm,
} from './rfm';
import { type SearchResult, searchCustomers } from './search';
import { customerTimeline, type TimelineEntry } from './timeline';

export interface CustomerDetail {
  profile: Profile;
  /** SCD2 versions, oldest first. */
  history: HistoryVersion[];
  kpis: Kpis;
  rfm: CustomerRfm | null;
  cluster: CustomerCluster | null;
  /** The CLV report's P(alive), expected purchases, expected value and CLV (its defaults). */
  clv: CustomerClv | null;
  segments: Membership[];
  timeline: TimelineEntry[];
  /** Entries of each kind over the whole timeline (the page holds only the newest). */
  timeline_totals: Partial<Record<TimelineKind, number>>;
  timeline_next_before: string | null;
  as_of: string;
}

export interface Customer360Options {
  /** The warehouse's data version (the ETL run id): memoised results of another version are not used. */
  readonly version: () => Promise<number>;
  /**
   * The segments report parameters of the clustering the dashboards show (k, features), so the
   * customer's cluster is the one a marketer sees there [the report's defaults].
   */
  readonly clustering?: Readonly<Record<string, unknown>>;
}

/** The reports whose SQL gives a customer's RFM, cluster and CLV sections. */
const SECTION_REPORTS = [rfm, segments, clv];

/**
 * Customer 360's own SQL (search, profile, KPIs, timeline) runs on every warehouse engine; the
 * RFM, cluster and CLV sections are those reports' SQL, so the detail runs where they all do.
 */
function assertSectionsRunOn(ctx: ReportContext): void {
  const dialect = ctx.engine.dialect.name;
  const missing = SECTION_REPORTS.filter((r) => !reportRunsOn(r, dialect)).map((r) => r.name);
  if (missing.length === 0) return;
  throw new AppError(
    'REPORT_ENGINE_UNSUPPORTED',
    `Customer 360's customer page needs the ${missing.join(', ')} report${missing.length === 1 ? '' : 's'}, which do${missing.length === 1 ? 'es' : ''} not run on ${dialect} yet; search runs there, the customer page on the embedded DuckDB warehouse (without --clickhouse)`,
    { report: 'customer360', engine: dialect, needs: missing },
  );
}

/**
 * Customer 360: search, and everything known about one customer. The whole-population parts
 * (the reference date, RFM's ranking, the cluster fit) are computed once per warehouse version
 * and reference date; the rest are small queries filtered to the customer.
 */
export class Customer360 {
  private readonly asOfs = new Memo<string | null>(4);
  private readonly rfms = new Memo<RfmPopulation>(8);
  private readonly clusters = new Memo<ClusterModel | null>(4);
  private readonly clvs = new Memo<ClvModel>(4);

  constructor(
    private readonly ctx: ReportContext,
    private readonly options: Customer360Options,
  ) {}

  search(params: SearchParams): Promise<SearchResult> {
    return searchCustomers(this.ctx, params);
  }

  async detail(customerId: string, params: DetailParams): Promise<CustomerDetail> {
    const ctx = this.ctx;
    assertSectionsRunOn(ctx);
    const found = await customerProfile(ctx, customerId);
    if (!found) throw new AppError('NOT_FOUND', `no customer "${customerId}"`, { customer_id: customerId });
    const version = await this.options.version();
    const asOf = params.as_of ?? (await this.defaultAsOf(version));
    const [kpis, { rfm, cluster }, clv, segments, timeline] = await Promise.all([
      customerKpis(ctx, customerId, asOf),
      this.scores(customerId, version, asOf),
      this.value(customerId, version, asOf),
      customerSegments(ctx, customerId),
      customerTimeline(ctx, customerId, {
        limit: params.timeline_limit,
        kinds: params.kinds,
        before: params.before,
      }),
    ]);
    return {
      ...found,
      kpis,
      rfm,
      cluster,
      clv,
      segments,
      timeline: timeline.entries,
      timeline_totals: timeline.totals,
      timeline_next_before: timeline.next_before,
      as_of: asOf,
    };
  }

  /** RFM scores and cluster: the population parts memoised, the customer's own part one query. */
  private async scores(
    customerId: string,
    version: number,
    asOf: string,
  ): Promise<{ rfm: CustomerRfm | null; cluster: CustomerCluster | null }> {
    const ctx = this.ctx;
    const [population, model, own] = await Promise.all([
      this.rfms.get(memoKey(version, asOf, this.ctx.model.access?.key ?? null), () =>
        rfmPopulation(ctx, asOf),
      ),
      this.clusters.get(memoKey(version, asOf, this.ctx.model.access?.key ?? null), () =>
        clusterModel(ctx, asOf, this.options.clustering),
      ),
      customerRfmSql(ctx, asOf, customerId),
    ]);
    // The cluster assignment carries the RFM row's raw values: one query for both.
    const [row] = (await ctx.engine.query(model ? assignCustomerSql(model, customerId, own) : own)).rows;
    return {
      rfm: row ? scoreRfm(population, rfmValues(row)) : null,
      cluster: row && model ? clusterOf(model, row) : null,
    };
  }

  /** P(alive), expected purchases and CLV: the fit memoised, the customer's own part two small queries. */
  private async value(customerId: string, version: number, asOf: string): Promise<CustomerClv | null> {
    const model = await this.clvs.get(memoKey(version, asOf, this.ctx.model.access?.key ?? null), () =>
      clvPopulationModel(this.ctx, asOf),
    );
    return customerClv(this.ctx, model, customerId, asOf);
  }

  /**
   * The reports' default reference date, the day after the latest order (RFM's own), else
   * today when the warehouse has no orders.
   */
  private async defaultAsOf(version: number): Promise<string> {
    const asOf = await this.asOfs.get(
      memoKey(version, this.ctx.model.access?.key ?? null),
      async () => (await planRfm(this.ctx, {})).asOf,
    );
    return asOf ?? this.ctx.now().toISOString().slice(0, 10);
  }
}
