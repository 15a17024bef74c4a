import type { Engine } from '../engine';
import { type Destination, describeDestination } from './destinations';
import { sendEmail } from './email';
import {
  claimRetry,
  type DeliverySource,
  dueRetries,
  insertDelivery,
  newDeliveryId,
  recordAttempt,
} from './log';
import { type DeliveryMessage, messageFromJson, messageToJson } from './message';
import { backoffMs, type DeliverySettings } from './settings';
import { jsonBody, postWebhook, slackBody } from './webhook';

export interface DeliveryDeps {
  /** The warehouse engine (not the request-limited one: a send must not hit the query timeout). */
  readonly engine: Engine;
  readonly settings: DeliverySettings;
  /** The clock retries are scheduled against (tests move it) [real time]. */
  readonly now?: () => Date;
}

export interface DeliveryOutcome {
  deliveryId: string;
  /** `retrying`: the attempt failed and the delivery waits in the log for its next try. */
  status: 'sent' | 'retrying' | 'failed';
  attempts: number;
  error?: string;
  nextAttemptAt?: string;
}

/** Where a delivery's files are served from, for webhooks' image links (needs RAPPORT_BASE_URL). */
export function fileUrl(
  settings: DeliverySettings,
  deliveryId: string,
  filename: string,
): string | undefined {
  return settings.baseUrl
    ? `${settings.baseUrl}/v1/deliveries/${deliveryId}/files/${encodeURIComponent(filename)}`
    : undefined;
}

async function transmit(deps: DeliveryDeps, id: string, d: Destination, m: DeliveryMessage): Promise<void> {
  if (d.kind === 'email') return sendEmail(deps.settings, d.to, m);
  const images = (m.attachments ?? [])
    .filter((a) => a.contentType.startsWith('image/'))
    .map((a) => fileUrl(deps.settings, id, a.filename))
    .filter((u): u is string => u !== undefined);
  const body = d.format === 'slack' ? slackBody(m, { images }) : jsonBody(m, { images });
  return postWebhook(d.url, body, deps.settings.timeoutMs);
}

/** One attempt, recorded; a failure schedules the next try with backoff, or gives up. */
async function attempt(
  deps: DeliveryDeps,
  id: string,
  d: Destination,
  m: DeliveryMessage,
  n: number,
): Promise<DeliveryOutcome> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  try {
    await transmit(deps, id, d, m);
  } catch (e) {
    const error = `${describeDestination(d)}: ${(e as Error).message}`;
    const last = n >= deps.settings.maxAttempts;
    const next = last ? undefined : new Date(now().getTime() + backoffMs(deps.settings, n));
    await recordAttempt(deps.engine, id, {
      attempt: n,
      startedAt,
      finishedAt: now(),
      error,
      status: last ? 'failed' : 'retrying',
      nextAttemptAt: next,
    });
    return {
      deliveryId: id,
      status: last ? 'failed' : 'retrying',
      attempts: n,
      error,
      ...(next ? { nextAttemptAt: next.toISOString() } : {}),
    };
  }
  await recordAttempt(deps.engine, id, { attempt: n, startedAt, finishedAt: now(), status: 'sent' });
  return { deliveryId: id, status: 'sent', attempts: n };
}

/**
 * Delivers a message to one destination: stores it in the deliveries log first (so nothing is
 * lost if the attempt fails or the process stops), tries once now, and leaves a failure queued
 * as `retrying` for `retryDueDeliveries` with exponential backoff, up to `maxAttempts`.
 */
export async function deliver(
  deps: DeliveryDeps,
  destination: Destination,
  message: DeliveryMessage,
  source: DeliverySource = { kind: 'manual', id: null },
): Promise<DeliveryOutcome> {
  const id = newDeliveryId();
  const now = (deps.now ?? (() => new Date()))();
  await insertDelivery(
    deps.engine,
    {
      id,
      source,
      destination,
      subject: message.subject,
      message: messageToJson(message),
      note: message.note,
    },
    now,
  );
  return attempt(deps, id, destination, message, 1);
}

/** Retries every delivery whose next attempt is due; the scheduler calls it on each tick. */
export async function retryDueDeliveries(deps: DeliveryDeps): Promise<DeliveryOutcome[]> {
  const now = (deps.now ?? (() => new Date()))();
  const outcomes: DeliveryOutcome[] = [];
  for (const id of await dueRetries(deps.engine, now)) {
    const claimed = await claimRetry(deps.engine, id, now);
    if (!claimed) continue;
    outcomes.push(
      await attempt(deps, id, claimed.destination, messageFromJson(claimed.message), claimed.attempts + 1),
    );
  }
  return outcomes;
}

/**
 * A delivery that could not even be composed (the dashboard is gone, the owner was revoked):
 * logged as failed for each destination, so the reason is seen where deliveries are read.
 */
export async function recordFailure(
  deps: DeliveryDeps,
  destination: Destination,
  subject: string,
  error: string,
  source: DeliverySource,
): Promise<DeliveryOutcome> {
  const id = newDeliveryId();
  const now = (deps.now ?? (() => new Date()))();
  await insertDelivery(
    deps.engine,
    { id, source, destination, subject, message: messageToJson({ subject, text: '' }) },
    now,
  );
  await recordAttempt(deps.engine, id, {
    attempt: 1,
    startedAt: now,
    finishedAt: now,
    error,
    status: 'failed',
  });
  return { deliveryId: id, status: 'failed', attempts: 1, error };
}
