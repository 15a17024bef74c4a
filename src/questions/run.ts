import type { LoadResult, QueryService } from '../cube';
import { AppError } from '../errors';
import type { SavedQuestion } from './types';

/**
 * Running a saved question goes through the query service exactly as POST /v1/query does, so
 * the runner's row and member rules apply (a question stores a query, never rows or rights).
 * Inside a request the service already reads the requesting user's model. Outside one (an alert
 * check, a scheduled delivery) `as` runs the work as a user: src/server/auth/run-as.ts makes
 * one from a user (this layer sits below the server, which owns the request scopes).
 */

/** Runs `work` as some user: their row and member rules apply to every query it makes. */
export type RunScope = <T>(work: () => Promise<T>) => Promise<T>;

/** The question's answer (Cube's load shape; the first part of a compareDateRange or blend). */
export async function runQuestion(
  queries: QueryService,
  question: SavedQuestion,
  as?: RunScope,
): Promise<LoadResult> {
  const work = async () => {
    const response = await queries.load(question.query);
    const first = response.results[0];
    if (!first) throw new AppError('INVALID_QUERY', `question "${question.id}" answered no result`);
    return first;
  };
  return as ? as(work) : work();
}

/** The rows of a question's answer, run as a user (see runQuestion). */
export async function questionRows(
  queries: QueryService,
  question: SavedQuestion,
  as?: RunScope,
): Promise<Record<string, unknown>[]> {
  return (await runQuestion(queries, question, as)).data;
}
