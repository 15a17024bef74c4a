import { dataAsOf, tileFactTables } from '../dashboards/data-as-of';
import type { Tile } from '../dashboards/schema';
import { type Destination, DestinationSchema, describeDestination } from '../delivery/destinations';
import { deliver } from '../delivery/send';
import { deliverySettings } from '../delivery/settings';
import type { Engine } from '../engine';
import { AppError } from '../errors';
import type { Model } from '../model/types';
import type { AlertDeps, AlertMessage } from '../questions/alerts/check';
import type { Alert } from '../questions/alerts/types';
import { runQuestion } from '../questions/run';
import { getQuestion } from '../questions/store';
import { runAs, unscopedModel, userNamed } from './auth/run-as';
import type { AppContext } from './deps';

/**
 * Sends a firing to each of the alert's destinations through the deliveries log (which keeps and
 * retries what fails), with a link back to the question and the data's "as of"; a line per
 * destination saying what happened, for the alert's history. Shared by the server and the CLI.
 */
export async function sendAlert(
  engine: Engine,
  model: Model,
  now: () => Date,
  alert: Alert,
  message: AlertMessage,
): Promise<string> {
  if (alert.destinations.length === 0) return 'no destinations';
  const settings = deliverySettings();
  const question = await getQuestion(engine, alert.questionId);
  // The facts the question reads, found as for a dashboard tile made of its query.
  const asOf = question
    ? await dataAsOf(engine, tileFactTables(model, { query: question.query } as unknown as Tile), now())
    : null;
  const link = settings.baseUrl
    ? `${settings.baseUrl}/explore?question=${encodeURIComponent(alert.questionId)}`
    : undefined;
  const outcomes: string[] = [];
  for (const d of alert.destinations) {
    const destination: Destination = DestinationSchema.parse(d);
    const o = await deliver(
      { engine, settings, now },
      destination,
      { ...message, text: `${message.text}\nData as of ${asOf ?? 'unknown'}.`, link, dataAsOf: asOf },
      { kind: 'alert', id: alert.id },
    );
    outcomes.push(`${describeDestination(destination)}: ${o.status}${o.error ? ` (${o.error})` : ''}`);
  }
  return outcomes.join('; ');
}

/**
 * How the server checks alerts: the question runs as the alert's owner (their rules, whoever
 * asked for the check), and a firing goes out through sendAlert.
 */
export function alertDeps(ctx: AppContext): AlertDeps {
  const now = () => ctx.now?.() ?? new Date();
  return {
    engine: ctx.engine,
    now,
    run: async (question, owner) => {
      const user = await userNamed(ctx.engine, owner);
      if (!user)
        throw new AppError(
          'FORBIDDEN',
          `the alert's owner "${owner}" has no active API key; it runs for nobody`,
          {
            owner,
          },
        );
      return runQuestion(ctx.queries, question, runAs(user, unscopedModel(ctx)));
    },
    send: (alert, message) => sendAlert(ctx.engine, unscopedModel(ctx), now, alert, message),
  };
}
