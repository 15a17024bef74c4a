import { type Destination, DestinationSchema, describeDestination } from '../delivery/destinations';
import { deliver } from '../delivery/send';
import { deliverySettings } from '../delivery/settings';
import { AppError } from '../errors';
import type { AlertDeps } from '../questions/alerts/check';
import { runQuestion } from '../questions/run';
import { runAs, unscopedModel, userNamed } from './auth/run-as';
import type { AppContext } from './deps';

/**
 * How the server checks alerts: the question runs as the alert's owner (their rules, whoever
 * asked for the check), and a firing goes to each of the alert's destinations through the
 * deliveries log (which keeps and retries what fails).
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
    send: async (alert, message) => {
      if (alert.destinations.length === 0) return 'no destinations';
      const settings = deliverySettings();
      const link = settings.baseUrl
        ? `${settings.baseUrl}/explore?question=${encodeURIComponent(alert.questionId)}`
        : undefined;
      const outcomes: string[] = [];
      for (const d of alert.destinations) {
        const destination: Destination = DestinationSchema.parse(d);
        const o = await deliver(
          { engine: ctx.engine, settings, now },
          destination,
          { ...message, link },
          { kind: 'alert', id: alert.id },
        );
        outcomes.push(`${describeDestination(destination)}: ${o.status}${o.error ? ` (${o.error})` : ''}`);
      }
      return outcomes.join('; ');
    },
  };
}
