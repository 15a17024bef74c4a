import type { CubeQuery, LoadResponse, SqlResponse } from '../api-types';
import { ApiError, postJson } from '../core/api';
import { resultColumns } from './result-fields';
import type { QueryRun } from './results-view';

interface ContinueWait {
  readonly error: 'Continue wait';
}

const isContinueWait = (r: unknown): r is ContinueWait =>
  typeof r === 'object' && r !== null && (r as { error?: unknown }).error === 'Continue wait';

/**
 * Runs a query and fetches its SQL. A long query answers "Continue wait" (Cube's protocol)
 * and keeps running on the server; asking again picks up its result.
 */
export async function runQuery(query: CubeQuery, signal: AbortSignal): Promise<QueryRun> {
  const started = performance.now();
  const sql = postJson<SqlResponse>('/v1/sql', { query }, signal).then(
    (s) => ({ sql: s }),
    (e: unknown) => ({ sqlError: e instanceof ApiError ? e.message : String(e) }),
  );
  let answer: LoadResponse | ContinueWait;
  do {
    answer = await postJson<LoadResponse | ContinueWait>('/v1/query', { query }, signal);
  } while (isContinueWait(answer));
  const ms = performance.now() - started;
  return { rows: answer.data, columns: resultColumns(answer.annotation), ms, ...(await sql) };
}
