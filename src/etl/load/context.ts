import type { Session } from '../../engine';
import type { Statement } from '../../engine/types';
import type { LandingContract } from '../contracts';
import type { Job } from '../job/load';

/** What every load step needs: the session inside the job's transaction and the run. */
export interface LoadContext {
  readonly session: Session;
  readonly job: Job;
  readonly contract: LandingContract;
  readonly runId: number;
  /** The run's start, as an ISO timestamp: the validity start of versions without updated_at. */
  readonly now: string;
}

export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export async function scalar(session: Session, statement: Statement): Promise<number> {
  const r = await session.query(statement);
  const row = r.rows[0];
  const v = row ? Object.values(row)[0] : 0;
  return Number(v ?? 0);
}
