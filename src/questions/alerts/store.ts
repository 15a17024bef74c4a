import { randomBytes } from 'node:crypto';
import type { Engine, Row } from '../../engine';
import { AppError } from '../../errors';
import { sql } from '../../sql';
import { isoOf, timestamp } from '../store';
import type { Alert, AlertEvent, AlertInput, Condition } from './types';

/** Alerts and their history in the application state (sql/schema/007_questions.sql). */

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function asAlert(row: Row): Alert {
  return {
    id: String(row['alert_id']),
    questionId: String(row['question_id']),
    name: String(row['name']),
    measure: text(row['measure']),
    condition: String(row['condition']) as Condition,
    threshold: num(row['threshold']),
    destinations: JSON.parse(String(row['destinations'])) as unknown[],
    schedule: text(row['schedule']),
    timezone: text(row['timezone']),
    createdBy: text(row['created_by']),
    createdAt: isoOf(row['created_at']),
    updatedAt: isoOf(row['updated_at']),
  };
}

function asEvent(row: Row): AlertEvent {
  return {
    alertId: String(row['alert_id']),
    checkedAt: isoOf(row['checked_at']),
    period: text(row['period']),
    value: num(row['value']),
    reference: num(row['reference']),
    lower: num(row['lower']),
    upper: num(row['upper']),
    crossed: Boolean(row['crossed']),
    fired: Boolean(row['fired']),
    delivery: text(row['delivery']),
    error: text(row['error']),
  };
}

export async function listAlerts(engine: Engine, questionId?: string): Promise<Alert[]> {
  const r = await engine.query(
    questionId === undefined
      ? sql`SELECT * FROM alerts ORDER BY lower(name), alert_id`
      : sql`SELECT * FROM alerts WHERE question_id = ${questionId} ORDER BY lower(name), alert_id`,
  );
  return r.rows.map(asAlert);
}

export async function requireAlert(engine: Engine, id: string): Promise<Alert> {
  const r = await engine.query(sql`SELECT * FROM alerts WHERE alert_id = ${id}`);
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `no alert "${id}"`, { alert: id });
  return asAlert(r.rows[0]);
}

export async function createAlert(
  engine: Engine,
  input: AlertInput,
  by: string | null,
  now: Date,
): Promise<Alert> {
  const id = `a_${randomBytes(6).toString('hex')}`;
  const at = timestamp(now);
  await engine.exec(sql`
    INSERT INTO alerts VALUES (${id}, ${input.question}, ${input.name}, ${input.measure ?? null}, ${input.condition},
      ${input.threshold ?? null}, ${JSON.stringify(input.destinations)}, ${input.schedule ?? null},
      ${input.timezone ?? null}, ${by}, CAST(${at} AS TIMESTAMP), CAST(${at} AS TIMESTAMP))`);
  return requireAlert(engine, id);
}

export async function deleteAlert(engine: Engine, id: string): Promise<void> {
  await requireAlert(engine, id);
  await engine.transaction(async (tx) => {
    await tx.exec(sql`DELETE FROM alert_events WHERE alert_id = ${id}`);
    await tx.exec(sql`DELETE FROM alerts WHERE alert_id = ${id}`);
  });
}

/** The checks of an alert, newest first. */
export async function alertHistory(engine: Engine, id: string, limit = 500): Promise<AlertEvent[]> {
  const r = await engine.query(
    sql`SELECT * FROM alert_events WHERE alert_id = ${id} ORDER BY checked_at DESC, rowid DESC LIMIT ${limit}`,
  );
  return r.rows.map(asEvent);
}

/** The last check, whose `crossed` is the alert's state. */
export async function lastEvent(engine: Engine, id: string): Promise<AlertEvent | undefined> {
  return (await alertHistory(engine, id, 1))[0];
}

export async function recordEvent(engine: Engine, e: AlertEvent): Promise<void> {
  await engine.exec(sql`
    INSERT INTO alert_events VALUES (${e.alertId}, CAST(${timestamp(new Date(e.checkedAt))} AS TIMESTAMP), ${e.period},
      ${e.value}, ${e.reference}, ${e.lower}, ${e.upper}, ${e.crossed}, ${e.fired}, ${e.delivery}, ${e.error})`);
}
