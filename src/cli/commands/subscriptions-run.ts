import { describeDestination, parseDestination } from '../../delivery/destinations';
import {
  createSubscription,
  deleteSubscription,
  listSubscriptions,
  SubscriptionSchema,
} from '../../delivery/subscriptions';
import { AppError } from '../../errors';
import { buildApp } from '../../server/app';
import { LOCAL_ADMIN } from '../../server/auth/scope';
import { parseInput } from '../../server/validate';
import { formatTable } from '../../util/text-table';
import { clockOf, projectRoot, withWarehouse } from '../context';

export interface AddSubscriptionOptions {
  name: string;
  dashboard?: string;
  filter: string[];
  question?: string;
  cron: string;
  tz: string;
  to: string[];
  db?: string;
  json?: boolean;
}

export async function list(o: { db?: string; json?: boolean }): Promise<void> {
  const subs = await withWarehouse(o.db, (engine) => listSubscriptions(engine));
  if (o.json) {
    process.stdout.write(`${JSON.stringify(subs, null, 2)}\n`);
    return;
  }
  const rows = subs.map((s) => ({
    id: s.id,
    name: s.name,
    target: 'dashboard' in s.target ? `dashboard ${s.target.dashboard}` : `question ${s.target.question}`,
    schedule: `${s.cron} (${s.timezone})`,
    next_run: s.next_run ?? '',
    to: s.destinations.map(describeDestination).join('; '),
    owner: s.owner.name,
  }));
  process.stdout.write(rows.length ? `${formatTable(rows)}\n` : 'no subscriptions\n');
}

export async function add(o: AddSubscriptionOptions): Promise<void> {
  if (!o.dashboard === !o.question)
    throw new AppError('VALIDATION_FAILED', 'give exactly one of --dashboard or --question');
  const filters: Record<string, string[]> = {};
  for (const f of o.filter) {
    const eq = f.indexOf('=');
    if (eq < 1) throw new AppError('VALIDATION_FAILED', `--filter ${f}: write name=value`);
    filters[f.slice(0, eq)] = f.slice(eq + 1).split(',');
  }
  const input = parseInput(
    SubscriptionSchema,
    {
      name: o.name,
      target: o.dashboard ? { dashboard: o.dashboard, filters } : { question: o.question },
      cron: o.cron,
      timezone: o.tz,
      destinations: o.to.map(parseDestination),
    },
    'options',
  );
  const sub = await withWarehouse(o.db, (engine) => createSubscription(engine, input, LOCAL_ADMIN));
  process.stdout.write(
    o.json
      ? `${JSON.stringify(sub, null, 2)}\n`
      : `added ${sub.id} "${sub.name}", next run ${sub.next_run}\n`,
  );
}

/** Sends through the same route the server has, as the local admin (the CLI's user). */
export async function send(id: string, o: { db?: string }): Promise<void> {
  const outcome = await withWarehouse(o.db, async (engine) => {
    const { now } = await clockOf(engine);
    const app = await buildApp({ engine, root: projectRoot(), now });
    try {
      const r = await app.inject({ method: 'POST', url: `/v1/subscriptions/${encodeURIComponent(id)}/send` });
      const body = r.json() as {
        message?: string;
        deliveries?: { deliveryId: string; status: string; error?: string }[];
      };
      if (r.statusCode !== 200)
        throw new AppError('NOT_FOUND', body.message ?? `send failed (${r.statusCode})`);
      return body.deliveries ?? [];
    } finally {
      await app.close();
    }
  });
  for (const d of outcome)
    process.stdout.write(`${d.deliveryId}: ${d.status}${d.error ? ` (${d.error})` : ''}\n`);
  if (outcome.some((d) => d.status !== 'sent')) process.exitCode = 1;
}

export async function remove(id: string, o: { db?: string }): Promise<void> {
  await withWarehouse(o.db, (engine) => deleteSubscription(engine, id));
  process.stdout.write(`deleted ${id}\n`);
}
