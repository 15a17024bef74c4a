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

/** Extracts one remote source into the stager, batch by batch. */
export type RemoteExtract<S extends RemoteSource> = (source: S, ctx: ExtractContext) => Promise<void>;
