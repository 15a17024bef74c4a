import type { SecurityContext } from '../model/access/types';
import type { RunScope } from '../questions/run';
import { type ComposeDeps, dashboardMessage, questionMessage } from './compose';
import type { DeliveryMessage } from './message';
import type { DeliveryScheduler } from './scheduler';
import { type DeliveryDeps, type DeliveryOutcome, deliver, recordFailure } from './send';
import { currentOwner, listSubscriptions, type Subscription } from './subscriptions';

export interface SubscriptionDeps extends ComposeDeps, DeliveryDeps {
  /**
   * Runs work as a user (their row and member rules on every query it makes). The server makes
   * it from its request scopes (src/server/auth/run-as.ts): this layer sits below the server.
   */
  readonly runAs: (user: SecurityContext) => RunScope;
}

/** The message of a subscription, composed as its owner (their row and member rules apply). */
async function compose(deps: SubscriptionDeps, sub: Subscription): Promise<DeliveryMessage> {
  const owner = await currentOwner(deps.engine, sub.owner);
  return deps.runAs(owner)(() =>
    'dashboard' in sub.target
      ? dashboardMessage(deps, sub.target.dashboard, sub.target.filters, sub.name)
      : questionMessage(deps, sub.target.question, sub.name),
  );
}

/**
 * Sends a subscription now to each of its destinations. A message that cannot be composed is
 * logged as a failed delivery per destination (with the reason); one that cannot be sent waits
 * in the log for its retries.
 */
export async function sendSubscription(
  deps: SubscriptionDeps,
  sub: Subscription,
): Promise<DeliveryOutcome[]> {
  const source = { kind: 'subscription', id: sub.id } as const;
  let message: DeliveryMessage;
  try {
    message = await compose(deps, sub);
  } catch (e) {
    const error = `not composed: ${(e as Error).message}`;
    return Promise.all(sub.destinations.map((d) => recordFailure(deps, d, sub.name, error, source)));
  }
  const outcomes: DeliveryOutcome[] = [];
  for (const d of sub.destinations) outcomes.push(await deliver(deps, d, message, source));
  return outcomes;
}

/** Puts a subscription on the scheduler (again, after a change); its runs read it afresh. */
export function scheduleSubscription(
  scheduler: DeliveryScheduler,
  deps: SubscriptionDeps,
  sub: Subscription,
): void {
  scheduler.register({
    kind: 'subscription',
    id: sub.id,
    cron: sub.cron,
    timezone: sub.timezone,
    run: async () => {
      const current = (await listSubscriptions(deps.engine)).find((s) => s.id === sub.id);
      if (current) await sendSubscription(deps, current);
    },
  });
}
