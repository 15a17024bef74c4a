import type { RemoteSource } from '../job/schema';
import type { BatchStager } from './batch-stager';
import type { ExtractWindow } from './extract-window';

export interface ExtractContext {
  readonly root: string;
  readonly stager: BatchStager;
  /** Incremental runs: only rows at or past this bound. */
  readonly window?: ExtractWindow;
  /** Names the extract where the source system shows it (PostgreSQL's application_name). */
  readonly label: string;
}

export interface ExtractOutcome {
  /**
   * A database's clock (UTC, `YYYY-MM-DD HH:MM:SS.ffffff`) no later than the start of the
   * extract's snapshot nor of any writing transaction still open then: rows a later run has not
   * yet seen can carry keys from here on, so the stored watermark never moves past it.
   */
  readonly snapshotAt?: string;
}

/** Extracts one remote source into the stager, batch by batch. */
export type RemoteExtract<S extends RemoteSource> = (
  source: S,
  ctx: ExtractContext,
) => Promise<ExtractOutcome | undefined>;
