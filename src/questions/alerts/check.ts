import type { LoadResult } from '../../cube';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import { requireQuestion } from '../store';
import type { SavedQuestion } from '../types';
import { forecastBand } from './band';
import { fires, isCrossed, type Reading } from './crossing';
import { lastEvent, recordEvent, requireAlert } from './store';
import type { Alert, AlertEvent } from './types';
import { watchedValue } from './value';

/** What a firing says, for the destinations. */
export interface AlertMessage {
  readonly subject: string;
  readonly text: string;
  readonly data: Record<string, unknown>;
}

/**
 * What a check needs, handed in by the server or the CLI (this layer runs no request scopes
 * and knows no delivery): how to run a question as the alert's owner, and how to send.
 */
export interface AlertDeps {
  readonly engine: Engine;
  /** Runs the question as the user who made the alert (their row and member rules). */
  run(question: SavedQuestion, owner: string | null): Promise<LoadResult>;
  /** Sends a firing to the alert's destinations; a line saying what happened, for the history. */
  send(alert: Alert, message: AlertMessage): Promise<string>;
  readonly now: () => Date;
}

function describe(alert: Alert, e: AlertEvent, measure: string): AlertMessage {
  const what =
    alert.condition === 'above'
      ? `above ${alert.threshold}`
      : alert.condition === 'below'
        ? `below ${alert.threshold}`
        : alert.condition === 'change_pct'
          ? `changed by more than ${alert.threshold}% (from ${e.reference})`
          : `outside the forecast's 95% band [${e.lower?.toFixed(2)}, ${e.upper?.toFixed(2)}]`;
  const when = e.period ? ` in the period starting ${e.period}` : '';
  return {
    subject: `Alert: ${alert.name}`,
    text: `${measure} is ${e.value}${when}: ${what}.`,
    data: { alert: alert.id, name: alert.name, measure, ...e },
  };
}

/**
 * Checks an alert once: runs its question as its owner, reads the value, records the check and
 * sends when the value newly crossed (see `fires`). A check that fails (the question broke, the
 * owner lost access) is recorded with its error and keeps the alert's state.
 */
export function checkAlert(deps: AlertDeps, alert: Alert): Promise<AlertEvent> {
  // Checks of one alert run one after the other: two at once would both read the state before
  // either recorded, and both send the same crossing.
  const next = (running.get(alert.id) ?? Promise.resolve()).then(
    () => checkOnce(deps, alert),
    () => checkOnce(deps, alert),
  );
  running.set(alert.id, next);
  void next
    .finally(() => {
      if (running.get(alert.id) === next) running.delete(alert.id);
    })
    .catch(() => undefined);
  return next;
}

const running = new Map<string, Promise<AlertEvent>>();

async function checkOnce(deps: AlertDeps, alert: Alert): Promise<AlertEvent> {
  const previous = (await lastEvent(deps.engine, alert.id))?.crossed ?? false;
  const checkedAt = deps.now().toISOString();
  const base: AlertEvent = {
    alertId: alert.id,
    checkedAt,
    period: null,
    value: null,
    reference: null,
    lower: null,
    upper: null,
    crossed: previous,
    fired: false,
    delivery: null,
    error: null,
  };
  let event: AlertEvent;
  let measure = alert.measure ?? '';
  try {
    const question = await requireQuestion(deps.engine, alert.questionId);
    const result = await deps.run(question, alert.createdBy);
    const w = watchedValue(question.query, result.data, alert.measure, deps.now());
    measure = w.measure;
    const reading: Reading = { value: w.value, previous: w.before.at(-1) ?? null, band: null };
    let reference = alert.condition === 'change_pct' ? (w.before.at(-1) ?? null) : null;
    let band: { lower: number; upper: number } | null = null;
    if (alert.condition === 'outside_forecast') {
      const b = w.granularity ? forecastBand(w.before, w.granularity) : undefined;
      if (b) {
        band = { lower: b.lower, upper: b.upper };
        reference = b.forecast;
      }
    }
    const crossed = isCrossed(alert.condition, alert.threshold, { ...reading, band });
    event = {
      ...base,
      period: w.period,
      value: w.value,
      reference,
      lower: band?.lower ?? null,
      upper: band?.upper ?? null,
      crossed: crossed ?? previous,
      fired: fires(previous, crossed),
      error:
        crossed === undefined
          ? alert.condition === 'change_pct'
            ? 'no previous period to compare with'
            : 'the series is too short to forecast'
          : null,
    };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    event = { ...base, error: e.message };
  }
  if (event.fired) {
    try {
      event = { ...event, delivery: await deps.send(alert, describe(alert, event, measure)) };
    } catch (e) {
      // The crossing stays recorded as fired: a delivery that failed is the delivery log's to retry.
      event = { ...event, delivery: `failed: ${(e as Error).message}` };
    }
  }
  await recordEvent(deps.engine, event);
  return event;
}

/** Checks an alert by id (see checkAlert). */
export async function checkAlertById(deps: AlertDeps, id: string): Promise<AlertEvent> {
  return checkAlert(deps, await requireAlert(deps.engine, id));
}
