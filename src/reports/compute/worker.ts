import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskName } from './tasks';

/** A compute worker: runs one task at a time, as the pool hands them over. */
interface Request {
  readonly id: number;
  readonly task: TaskName;
  readonly args: unknown;
}

parentPort?.on('message', (message: Request) => {
  try {
    const run = TASKS[message.task] as (args: unknown) => unknown;
    parentPort!.postMessage({ id: message.id, ok: true, result: run(message.args) });
  } catch (e) {
    const error =
      e instanceof Error
        ? { name: e.name, message: e.message, code: (e as { code?: string }).code }
        : { name: 'Error', message: String(e) };
    parentPort!.postMessage({ id: message.id, ok: false, error });
  }
});
