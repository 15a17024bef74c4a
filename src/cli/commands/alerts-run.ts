import { parseDestination } from '../../delivery/destinations';
import { AppError } from '../../errors';
import { type AlertDeps, checkAlert } from '../../questions/alerts/check';
import { createAlert, deleteAlert, lastEvent, listAlerts, requireAlert } from '../../questions/alerts/store';
import { AlertInputSchema } from '../../questions/alerts/types';
import { runQuestion } from '../../questions/run';
import { sendAlert } from '../../server/alert-deps';
import { userNamed } from '../../server/auth/run-as';
import { assertCheckable } from '../../server/routes/alerts';
import { parseInput } from '../../server/validate';
import { formatTable } from '../../util/text-table';
import { CLI_USER, type CliContext, withQuestions } from './questions-run';

export interface AddAlertOptions {
  question: string;
  condition: string;
  threshold?: string;
  measure?: string;
  to: string[];
  schedule?: string;
  timezone?: string;
  db?: string;
}

export async function list(o: { db?: string }): Promise<void> {
  const rows = await withQuestions(o.db, async (c) =>
    Promise.all(
      (await listAlerts(c.engine)).map(async (a) => {
        const last = await lastEvent(c.engine, a.id);
        return {
          id: a.id,
          name: a.name,
          question: a.questionId,
          condition: `${a.condition}${a.threshold === null ? '' : ` ${a.threshold}`}`,
          state: last?.crossed ? 'crossed' : 'ok',
          last_value: last?.value ?? null,
          last_check: last?.checkedAt ?? null,
        };
      }),
    ),
  );
  console.log(rows.length === 0 ? 'no alerts' : formatTable(rows));
}

export async function add(name: string, o: AddAlertOptions): Promise<void> {
  const threshold = o.threshold === undefined ? undefined : Number(o.threshold);
  if (threshold !== undefined && !Number.isFinite(threshold))
    throw new AppError('VALIDATION_FAILED', `--threshold "${o.threshold}" is not a number`);
  const input = parseInput(
    AlertInputSchema,
    {
      name,
      question: o.question,
      condition: o.condition,
      threshold,
      measure: o.measure,
      destinations: o.to.map(parseDestination),
      schedule: o.schedule,
      timezone: o.schedule ? (o.timezone ?? 'UTC') : undefined,
    },
    'alert',
  );
  const alert = await withQuestions(o.db, async (c) => {
    const destinations = await assertCheckable(c.engine, input);
    return createAlert(c.engine, { ...input, destinations }, CLI_USER.name, new Date());
  });
  console.log(
    formatTable([{ id: alert.id, name: alert.name, question: alert.questionId, condition: alert.condition }]),
  );
}

export async function remove(id: string, o: { db?: string }): Promise<void> {
  await withQuestions(o.db, (c) => deleteAlert(c.engine, id));
  console.log(`deleted ${id}`);
}

/** As the server checks: the question runs as the alert's owner, firings go through deliver(). */
function cliAlertDeps(c: CliContext): AlertDeps {
  const now = () => new Date();
  return {
    engine: c.engine,
    now,
    run: async (question, owner) => {
      const user = await userNamed(c.engine, owner);
      if (!user) throw new AppError('FORBIDDEN', `the alert's owner "${owner}" has no active API key`);
      return runQuestion(await c.service(user), question);
    },
    send: (alert, message) => sendAlert(c.engine, c.model, now, alert, message),
  };
}

export async function check(id: string | undefined, o: { db?: string }): Promise<void> {
  const rows = await withQuestions(o.db, async (c) => {
    const deps = cliAlertDeps(c);
    const alerts = id ? [await requireAlert(c.engine, id)] : await listAlerts(c.engine);
    const out = [];
    for (const a of alerts) {
      const e = await checkAlert(deps, a);
      out.push({
        id: a.id,
        name: a.name,
        period: e.period,
        value: e.value,
        crossed: e.crossed,
        fired: e.fired,
        note: e.error ?? e.delivery,
      });
    }
    return out;
  });
  console.log(rows.length === 0 ? 'no alerts' : formatTable(rows));
}
