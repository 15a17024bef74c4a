import type { Engine } from '../../engine';
import type { Model } from '../../model/types';

/** What every report runs with. */
export interface ReportContext {
  readonly engine: Engine;
  readonly model: Model;
  /** The clock for relative dates in population filters. */
  readonly now: () => Date;
}
