import { AppError } from '../errors';
import type { AlertDeps } from '../questions/alerts/check';
import { runQuestion } from '../questions/run';
import { runAs, unscopedModel, userNamed } from './auth/run-as';
import type { AppContext } from './deps';

/**
 * How the server checks alerts: the question runs as the alert's owner (their rules, whoever
 * asked for the check), and a firing goes to the alert's destinations.
 */
export function alertDeps(ctx: AppContext): AlertDeps {
  return {
    engine: ctx.engine,
    now: () => ctx.now?.() ?? new Date(),
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
    send: async (alert) =>
      alert.destinations.length === 0 ? 'no destinations' : 'not sent: delivery is not set up in this build',
  };
}
