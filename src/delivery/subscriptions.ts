import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Engine, Row } from '../engine';
import { AppError } from '../errors';
import type { SecurityContext } from '../model/access/types';
import { sql } from '../sql';
import { type Destination, DestinationSchema } from './destinations';
import { fromTs, ts } from './log';
import { nextDue, validateSchedule } from './scheduler';

/** What a subscription sends: a dashboard with its filters' values, or a saved question. */
export type SubscriptionTarget =
  | { dashboard: string; filters: Record<string, unknown> }
  | { question: string };

export interface Subscription {
  id: string;
  name: string;
  target: SubscriptionTarget;
  cron: string;
  timezone: string;
  destinations: Destination[];
  /** Whose row and member rules the deliveries run under: who made it. */
  owner: SecurityContext;
  created_at: string;
  updated_at: string;
  /** The next due time (ISO), for listings. */
  next_run: string | null;
}

const Target = z.union([
  z.object({ dashboard: z.string().min(1), filters: z.record(z.string(), z.unknown()).default({}) }).strict(),
  z.object({ question: z.string().min(1) }).strict(),
]);

export const SubscriptionSchema = z
  .object({
    name: z.string().trim().min(1, 'a subscription needs a name').max(200),
    target: Target,
    /** croner syntax, 5 fields (minute first) or 6 (seconds first). */
    cron: z.string().min(1),
    timezone: z.string().min(1).default('UTC'),
    destinations: z.array(DestinationSchema).min(1, 'at least one destination').max(20),
  })
  .strict();
export type SubscriptionInput = z.infer<typeof SubscriptionSchema>;

export const SubscriptionUpdateSchema = SubscriptionSchema.partial().strict();
export type SubscriptionUpdate = z.infer<typeof SubscriptionUpdateSchema>;

function asSubscription(row: Row, now: Date): Subscription {
  const cron = String(row['cron']);
  const timezone = String(row['timezone']);
  return {
    id: String(row['subscription_id']),
    name: String(row['name']),
    target: JSON.parse(String(row['target'])) as SubscriptionTarget,
    cron,
    timezone,
    destinations: JSON.parse(String(row['destinations'])) as Destination[],
    owner: JSON.parse(String(row['owner'])) as SecurityContext,
    created_at: fromTs(row['created_at'])!,
    updated_at: fromTs(row['updated_at'])!,
    next_run: nextDue(cron, timezone, now),
  };
}

export async function listSubscriptions(engine: Engine, now = new Date()): Promise<Subscription[]> {
  const r = await engine.query('SELECT * FROM subscriptions ORDER BY name, subscription_id');
  return r.rows.map((row) => asSubscription(row, now));
}

export async function getSubscription(engine: Engine, id: string, now = new Date()): Promise<Subscription> {
  const r = await engine.query(sql`SELECT * FROM subscriptions WHERE subscription_id = ${id}`);
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `no subscription "${id}"`, { subscription: id });
  return asSubscription(r.rows[0], now);
}

export async function createSubscription(
  engine: Engine,
  input: SubscriptionInput,
  owner: SecurityContext,
  now = new Date(),
): Promise<Subscription> {
  validateSchedule(input.cron, input.timezone);
  const id = `sub_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await engine.exec(sql`
    INSERT INTO subscriptions VALUES (${id}, ${input.name}, ${JSON.stringify(input.target)}, ${input.cron},
      ${input.timezone}, ${JSON.stringify(input.destinations)}, ${JSON.stringify(owner)},
      ${ts(now)}::TIMESTAMP, ${ts(now)}::TIMESTAMP)`);
  return getSubscription(engine, id, now);
}

/** Changes the given fields; the owner stays who made it. */
export async function updateSubscription(
  engine: Engine,
  id: string,
  change: SubscriptionUpdate,
  now = new Date(),
): Promise<Subscription> {
  const old = await getSubscription(engine, id, now);
  const next = { ...old, ...change };
  validateSchedule(next.cron, next.timezone);
  await engine.exec(sql`
    UPDATE subscriptions SET name = ${next.name}, target = ${JSON.stringify(next.target)}, cron = ${next.cron},
      timezone = ${next.timezone}, destinations = ${JSON.stringify(next.destinations)},
      updated_at = ${ts(now)}::TIMESTAMP
    WHERE subscription_id = ${id}`);
  return getSubscription(engine, id, now);
}

/** Deletes it and its schedule state; its deliveries stay in the log. */
export async function deleteSubscription(engine: Engine, id: string): Promise<void> {
  await getSubscription(engine, id);
  await engine.transaction(async (tx) => {
    await tx.exec(sql`DELETE FROM subscriptions WHERE subscription_id = ${id}`);
    await tx.exec(sql`DELETE FROM schedule_state WHERE kind = 'subscription' AND work_id = ${id}`);
  });
}

/**
 * The owner as they are now: the active key of that name (its current role and attributes); a
 * user whose every key was revoked gets nothing sent; a user known only from a JWT or the local
 * admin (no key row) runs as recorded.
 */
export async function currentOwner(engine: Engine, owner: SecurityContext): Promise<SecurityContext> {
  const r = await engine.query(sql`
    SELECT role, attributes, revoked_at FROM rapport_users WHERE name = ${owner.name}
    ORDER BY revoked_at IS NULL DESC, created_at DESC LIMIT 1`);
  const row = r.rows[0];
  if (!row) return owner;
  if (row['revoked_at'] !== null)
    throw new AppError(
      'FORBIDDEN',
      `the owner "${owner.name}" has no active key any more: nothing is sent for them`,
    );
  return {
    name: owner.name,
    role: String(row['role']) as SecurityContext['role'],
    attributes: JSON.parse(String(row['attributes'])) as Record<string, string>,
  };
}
