import { randomBytes } from 'node:crypto';
import type { Engine, Row } from '../engine';
import { AppError } from '../errors';
import { sql } from '../sql';
import type { CreateQuestion, SavedQuestion, UpdateQuestion } from './types';

/**
 * The saved questions in the application state (sql/schema/007_questions.sql). Ids are random
 * (`q_` and 12 hex digits), not slugs of the name: two people may name questions alike, and a
 * rename must not break links to a question.
 */

export function newQuestionId(): string {
  return `q_${randomBytes(6).toString('hex')}`;
}

/** DuckDB's TIMESTAMP literal of an instant (UTC, milliseconds). */
export function timestamp(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

/** A stored TIMESTAMP (`2026-07-01 10:00:00.123`) as ISO 8601 UTC. */
export function isoOf(value: unknown): string {
  const text = String(value).replace(' ', 'T');
  return new Date(text.endsWith('Z') ? text : `${text}Z`).toISOString();
}

function parseObject(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

function asQuestion(row: Row): SavedQuestion {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(row['question_id']),
    name: String(row['name']),
    description: text(row['description']),
    query: parseObject(row['query']),
    chart: parseObject(row['chart']),
    createdBy: text(row['created_by']),
    updatedBy: text(row['updated_by']),
    createdAt: isoOf(row['created_at']),
    updatedAt: isoOf(row['updated_at']),
  };
}

/** Every question, by name; `search` keeps those whose name or description contains it (any case). */
export async function listQuestions(engine: Engine, search?: string): Promise<SavedQuestion[]> {
  const needle = search?.trim() ?? '';
  const r = await engine.query(
    needle === ''
      ? sql`SELECT * FROM saved_questions ORDER BY lower(name), question_id`
      : sql`SELECT * FROM saved_questions
            WHERE contains(lower(name), lower(${needle})) OR contains(lower(coalesce(description, '')), lower(${needle}))
            ORDER BY lower(name), question_id`,
  );
  return r.rows.map(asQuestion);
}

export async function getQuestion(engine: Engine, id: string): Promise<SavedQuestion | undefined> {
  const r = await engine.query(sql`SELECT * FROM saved_questions WHERE question_id = ${id}`);
  return r.rows[0] ? asQuestion(r.rows[0]) : undefined;
}

/** A question by id; NOT_FOUND (404) otherwise. */
export async function requireQuestion(engine: Engine, id: string): Promise<SavedQuestion> {
  const q = await getQuestion(engine, id);
  if (!q) throw new AppError('NOT_FOUND', `no saved question "${id}"`, { question: id });
  return q;
}

/** Stores a new question (its query validated by the caller) made by `by` at `now`. */
export async function createQuestion(
  engine: Engine,
  input: CreateQuestion,
  by: string | null,
  now: Date,
): Promise<SavedQuestion> {
  const id = newQuestionId();
  const at = timestamp(now);
  await engine.exec(sql`
    INSERT INTO saved_questions
    VALUES (${id}, ${input.name}, ${input.description ?? null}, ${JSON.stringify(input.query)},
            ${JSON.stringify(input.chart ?? {})}, ${by}, ${by}, CAST(${at} AS TIMESTAMP), CAST(${at} AS TIMESTAMP))`);
  return requireQuestion(engine, id);
}

/** Changes the fields given; the others stay. */
export async function updateQuestion(
  engine: Engine,
  id: string,
  patch: UpdateQuestion,
  by: string | null,
  now: Date,
): Promise<SavedQuestion> {
  const old = await requireQuestion(engine, id);
  const next = {
    name: patch.name ?? old.name,
    description: patch.description === undefined ? old.description : patch.description,
    query: patch.query ?? old.query,
    chart: patch.chart ?? old.chart,
  };
  await engine.exec(sql`
    UPDATE saved_questions
    SET name = ${next.name}, description = ${next.description}, query = ${JSON.stringify(next.query)},
        chart = ${JSON.stringify(next.chart)}, updated_by = ${by}, updated_at = CAST(${timestamp(now)} AS TIMESTAMP)
    WHERE question_id = ${id}`);
  return requireQuestion(engine, id);
}

/** A copy under a new id, owned by `by`; named "<name> (copy)" unless a name is given. */
export async function duplicateQuestion(
  engine: Engine,
  id: string,
  by: string | null,
  now: Date,
  name?: string,
): Promise<SavedQuestion> {
  const old = await requireQuestion(engine, id);
  return createQuestion(
    engine,
    { name: name ?? `${old.name} (copy)`, description: old.description, query: old.query, chart: old.chart },
    by,
    now,
  );
}

/** Deletes a question with its alerts and their history. */
export async function deleteQuestion(engine: Engine, id: string): Promise<void> {
  await requireQuestion(engine, id);
  await engine.transaction(async (tx) => {
    await tx.exec(
      sql`DELETE FROM alert_events WHERE alert_id IN (SELECT alert_id FROM alerts WHERE question_id = ${id})`,
    );
    await tx.exec(sql`DELETE FROM alerts WHERE question_id = ${id}`);
    await tx.exec(sql`DELETE FROM saved_questions WHERE question_id = ${id}`);
  });
}
