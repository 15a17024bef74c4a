import { randomUUID } from 'node:crypto';
import type { Engine, Row } from '../engine';
import { sql } from '../sql';
import type { Destination } from './destinations';

/** Who a delivery was for: a subscription, an alert, or a hand-made send. */
export interface DeliverySource {
  readonly kind: 'subscription' | 'alert' | 'manual';
  readonly id: string | null;
}

export type DeliveryStatus = 'sending' | 'sent' | 'retrying' | 'failed';

/** A row of the deliveries log as the API shows it (without the stored message). */
export interface DeliveryRecord {
  delivery_id: string;
  source_kind: string;
  source_id: string | null;
  destination: Destination;
  subject: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  error: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** The attachments' names, servable from the log (GET /v1/deliveries/:id/files/:name). */
  files: string[];
}

/** A timestamp as DuckDB's TIMESTAMP literal text (UTC). */
export const ts = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');
/** DuckDB answers TIMESTAMP as ISO text without a zone: it is UTC. */
export const fromTs = (v: unknown): string | null => (v === null || v === undefined ? null : `${String(v)}Z`);

export function newDeliveryId(): string {
  return `dlv_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

export async function insertDelivery(
  engine: Engine,
  row: {
    id: string;
    source: DeliverySource;
    destination: Destination;
    subject: string;
    message: string;
    note?: string;
  },
  now: Date,
): Promise<void> {
  await engine.exec(sql`
    INSERT INTO deliveries (delivery_id, source_kind, source_id, destination, subject, message, status,
      attempts, next_attempt_at, error, note, created_at, updated_at, sent_at)
    VALUES (${row.id}, ${row.source.kind}, ${row.source.id}, ${JSON.stringify(row.destination)}, ${row.subject},
      ${row.message}, 'sending', 0, NULL, NULL, ${row.note ?? null}, ${ts(now)}::TIMESTAMP, ${ts(now)}::TIMESTAMP, NULL)`);
}

/** Records one attempt and the delivery's state after it, in one transaction. */
export async function recordAttempt(
  engine: Engine,
  id: string,
  a: {
    attempt: number;
    startedAt: Date;
    finishedAt: Date;
    error?: string;
    status: Exclude<DeliveryStatus, 'sending'>;
    nextAttemptAt?: Date;
  },
): Promise<void> {
  await engine.transaction(async (tx) => {
    await tx.exec(sql`
      INSERT INTO delivery_attempts VALUES (${id}, ${a.attempt}, ${a.error === undefined ? 'sent' : 'failed'},
        ${a.error ?? null}, ${ts(a.startedAt)}::TIMESTAMP, ${ts(a.finishedAt)}::TIMESTAMP)`);
    await tx.exec(sql`
      UPDATE deliveries SET status = ${a.status}, attempts = ${a.attempt},
        next_attempt_at = ${a.nextAttemptAt ? ts(a.nextAttemptAt) : null}::TIMESTAMP,
        error = ${a.error ?? null}, updated_at = ${ts(a.finishedAt)}::TIMESTAMP,
        sent_at = ${a.status === 'sent' ? ts(a.finishedAt) : null}::TIMESTAMP
      WHERE delivery_id = ${id}`);
  });
}

/**
 * Takes a retrying delivery that is due for this process: only one taker gets it (the status
 * moves to `sending` only where it still was `retrying`). Answers its stored message and attempts.
 */
export async function claimRetry(
  engine: Engine,
  id: string,
  now: Date,
): Promise<
  { destination: Destination; message: string; attempts: number; source: DeliverySource } | undefined
> {
  const r = await engine.query(sql`
    UPDATE deliveries SET status = 'sending', updated_at = ${ts(now)}::TIMESTAMP
    WHERE delivery_id = ${id} AND status = 'retrying'
    RETURNING destination, message, attempts, source_kind, source_id`);
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    destination: JSON.parse(String(row['destination'])) as Destination,
    message: String(row['message']),
    attempts: Number(row['attempts']),
    source: {
      kind: String(row['source_kind']) as DeliverySource['kind'],
      id: (row['source_id'] as string) ?? null,
    },
  };
}

export async function dueRetries(engine: Engine, now: Date): Promise<string[]> {
  const r = await engine.query(sql`
    SELECT delivery_id FROM deliveries
    WHERE status = 'retrying' AND next_attempt_at <= ${ts(now)}::TIMESTAMP
    ORDER BY next_attempt_at`);
  return r.rows.map((row) => String(row['delivery_id']));
}

/**
 * Deliveries left `sending` by a process that stopped mid-send go back to `retrying`, due now.
 * Called once when the scheduler starts, before any send of its own.
 */
export async function recoverInterrupted(engine: Engine, now: Date): Promise<number> {
  const r = await engine.query(sql`
    UPDATE deliveries SET status = 'retrying', next_attempt_at = ${ts(now)}::TIMESTAMP
    WHERE status = 'sending' RETURNING delivery_id`);
  return r.rows.length;
}

function asRecord(row: Row): DeliveryRecord {
  const files =
    (JSON.parse(String(row['message'])) as { attachments?: { filename: string }[] }).attachments ?? [];
  return {
    delivery_id: String(row['delivery_id']),
    source_kind: String(row['source_kind']),
    source_id: row['source_id'] === null ? null : String(row['source_id']),
    destination: JSON.parse(String(row['destination'])) as Destination,
    subject: String(row['subject']),
    status: String(row['status']) as DeliveryStatus,
    attempts: Number(row['attempts']),
    next_attempt_at: fromTs(row['next_attempt_at']),
    error: row['error'] === null ? null : String(row['error']),
    note: row['note'] === null ? null : String(row['note']),
    created_at: fromTs(row['created_at'])!,
    updated_at: fromTs(row['updated_at'])!,
    sent_at: fromTs(row['sent_at']),
    files: files.map((f) => f.filename),
  };
}

/** The log of one source (newest first), or of every source when `source` is undefined. */
export async function listDeliveries(
  engine: Engine,
  source: DeliverySource | undefined,
  limit = 100,
): Promise<DeliveryRecord[]> {
  const r = await engine.query(sql`
    SELECT * FROM deliveries
    WHERE (${source?.kind ?? null}::VARCHAR IS NULL OR (source_kind = ${source?.kind ?? null} AND source_id = ${source?.id ?? null}))
    ORDER BY created_at DESC, delivery_id LIMIT ${limit}`);
  return r.rows.map(asRecord);
}

export async function getDelivery(
  engine: Engine,
  id: string,
): Promise<(DeliveryRecord & { message: string }) | undefined> {
  const r = await engine.query(sql`SELECT * FROM deliveries WHERE delivery_id = ${id}`);
  const row = r.rows[0];
  return row ? { ...asRecord(row), message: String(row['message']) } : undefined;
}
