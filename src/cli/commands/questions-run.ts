import { join } from 'node:path';
import { QueryService } from '../../cube';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import { warehouseVersion } from '../../etl';
import { restrictModel } from '../../model/access/restrict';
import type { SecurityContext } from '../../model/access/types';
import { loadModel } from '../../model/load';
import type { Model } from '../../model/types';
import { runQuestion } from '../../questions/run';
import { createQuestion, deleteQuestion, listQuestions, requireQuestion } from '../../questions/store';
import { CreateQuestionSchema } from '../../questions/types';
import { LOCAL_ADMIN } from '../../server/auth/scope';
import { assertPivots } from '../../server/query-input';
import { parseInput } from '../../server/validate';
import { formatTable } from '../../util/text-table';
import { clockOf, projectRoot, withWarehouse } from '../context';

export function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', `${what} is not JSON: ${(e as Error).message}`);
  }
}

/** The CLI acts as the local admin, as the server does in local mode. */
export const CLI_USER = LOCAL_ADMIN;

export interface CliContext {
  readonly engine: Engine;
  readonly model: Model;
  readonly now: () => Date;
  /** A query service compiling through a user's rules (the full model for the local admin). */
  service(user: SecurityContext): Promise<QueryService>;
}

export async function withQuestions<T>(
  db: string | undefined,
  body: (c: CliContext) => Promise<T>,
): Promise<T> {
  const model = loadModel(join(projectRoot(), 'cubes'));
  return withWarehouse(db, async (engine) => {
    const { now } = await clockOf(engine);
    const version = await warehouseVersion(engine);
    const service = async (user: SecurityContext) =>
      new QueryService({ engine, model: restrictModel(model, user), version: () => version, now });
    return body({ engine, model, now, service });
  });
}

const summary = (q: { id: string; name: string; createdBy: string | null; updatedAt: string }) => ({
  id: q.id,
  name: q.name,
  created_by: q.createdBy,
  updated_at: q.updatedAt,
});

export async function list(o: { db?: string; search?: string }): Promise<void> {
  const all = await withQuestions(o.db, (c) => listQuestions(c.engine, o.search));
  console.log(all.length === 0 ? 'no saved questions' : formatTable(all.map(summary)));
}

export async function add(
  name: string,
  o: { query: string; description?: string; chart?: string; db?: string },
): Promise<void> {
  const input = parseInput(
    CreateQuestionSchema,
    {
      name,
      description: o.description,
      query: json(o.query, '--query'),
      chart: o.chart ? json(o.chart, '--chart') : undefined,
    },
    'question',
  );
  const saved = await withQuestions(o.db, async (c) => {
    assertPivots((await c.service(CLI_USER)).prepare(input.query));
    return createQuestion(c.engine, input, CLI_USER.name, new Date());
  });
  console.log(formatTable([summary(saved)]));
}

export async function show(id: string, o: { db?: string }): Promise<void> {
  console.log(JSON.stringify(await withQuestions(o.db, (c) => requireQuestion(c.engine, id)), null, 2));
}

export async function run(id: string, o: { db?: string; format: string }): Promise<void> {
  if (o.format !== 'table' && o.format !== 'json')
    throw new AppError('VALIDATION_FAILED', '--format must be table or json');
  const result = await withQuestions(o.db, async (c) =>
    runQuestion(await c.service(CLI_USER), await requireQuestion(c.engine, id)),
  );
  console.log(o.format === 'json' ? JSON.stringify(result.data, null, 2) : formatTable(result.data));
}

export async function remove(id: string, o: { db?: string }): Promise<void> {
  await withQuestions(o.db, (c) => deleteQuestion(c.engine, id));
  console.log(`deleted ${id}`);
}
