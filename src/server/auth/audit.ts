import type { Engine } from '../../engine';
import { list, param, type SqlNode, type SqlValue, sql } from '../../sql';

export interface AuditEntry {
  readonly at: Date;
  readonly user: string;
  readonly role: string;
  readonly method: string;
  readonly route: string;
  readonly url: string;
  readonly query: unknown;
  /** The response body when it is JSON and small: rows are counted at flush, off the request path. */
  readonly body?: string;
  /** Rows a CSV or Arrow answer streamed. */
  readonly streamedRows?: number;
  readonly durationMs: number;
  readonly status: number;
}

const MAX_PENDING = 10_000;
const MAX_BODY = 1_000_000;
/** Levels of a request's query kept in the log; deeper values are replaced by a marker. */
const MAX_QUERY_DEPTH = 32;
/** Characters of a request's query kept in the log; a longer one is kept as its head. */
const MAX_QUERY_CHARS = 64 * 1024;

/**
 * A copy of `value` with objects and arrays nested deeper than `maxDepth` replaced by a marker
 * string. Iterative: the value may be nested deeper than the call stack allows.
 */
function pruned(value: unknown, maxDepth: number): unknown {
  const root: { value?: unknown } = {};
  const stack: { from: unknown; put: (v: unknown) => void; depth: number }[] = [
    { from: value, put: (v) => (root.value = v), depth: 1 },
  ];
  while (stack.length > 0) {
    const { from, put, depth } = stack.pop()!;
    if (from === null || typeof from !== 'object') put(from);
    else if (depth > maxDepth) put(`[truncated: nested deeper than ${maxDepth} levels]`);
    else if (Array.isArray(from)) {
      const out: unknown[] = new Array(from.length).fill(null);
      put(out);
      from.forEach((child, i) => {
        stack.push({ from: child, put: (v) => (out[i] = v), depth: depth + 1 });
      });
    } else {
      const entries = Object.entries(from);
      // Keys are set now, so the copy keeps their order whatever order the stack fills them in.
      const out: Record<string, unknown> = Object.fromEntries(entries.map(([k]) => [k, null]));
      put(out);
      for (const [k, child] of entries)
        stack.push({ from: child, put: (v) => (out[k] = v), depth: depth + 1 });
    }
  }
  return root.value;
}

/**
 * The JSON text the log keeps of a request's query: never throws, never recurses deeper than
 * MAX_QUERY_DEPTH levels, never longer than about MAX_QUERY_CHARS (a longer text is kept as
 * `{"truncated": true, "chars": n, "head": "…"}`).
 */
export function auditJson(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(pruned(value, MAX_QUERY_DEPTH)) ?? 'null';
  } catch (err) {
    return JSON.stringify({ unserialisable: String((err as Error)?.message ?? err) });
  }
  if (text.length <= MAX_QUERY_CHARS) return text;
  return JSON.stringify({ truncated: true, chars: text.length, head: text.slice(0, MAX_QUERY_CHARS) });
}

/** Rows a JSON answer carries: `data`, or the sum over Cube's `results[].data`. */
export function rowsOf(body: string | undefined): number | null {
  if (body === undefined || body.length > MAX_BODY || !body.startsWith('{')) return null;
  try {
    const v = JSON.parse(body) as { data?: unknown; results?: { data?: unknown }[] };
    if (Array.isArray(v.data)) return v.data.length;
    if (Array.isArray(v.results))
      return v.results.reduce((n, r) => n + (Array.isArray(r.data) ? r.data.length : 0), 0);
    return null;
  } catch {
    return null;
  }
}

/**
 * The audit log in the warehouse (`rapport_audit`), written in batches in the background so a
 * request never waits for it. A failed write (the warehouse busy) keeps the entries for the
 * next attempt, up to a bound beyond which the oldest are dropped and the drop is logged.
 */
export class AuditLog {
  private pending: AuditEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly engine: Engine,
    private readonly warn: (message: string, err?: unknown) => void,
    intervalMs = 1000,
  ) {
    // flush() never rejects: nothing thrown here may reach the timer (an uncaught exception).
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(entry: AuditEntry): void {
    this.pending.push(entry);
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.length - MAX_PENDING;
      this.pending.splice(0, dropped);
      this.warn(`audit log: dropped ${dropped} entries that could not be written`);
    }
  }

  /**
   * Writes what is pending; resolves when written (or failed and kept for later). Never
   * rejects: every error of a write goes to the log.
   */
  flush(): Promise<void> {
    this.writing = this.writing
      .then(() => this.write())
      .catch((err: unknown) => {
        try {
          this.warn('audit log: flush failed', err);
        } catch {
          // A failing logger must not break the chain either.
        }
      });
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const rows: SqlNode[] = [];
    for (const e of batch) {
      let values: SqlValue[];
      try {
        values = [
          e.at.toISOString().slice(0, 23),
          e.user,
          e.role,
          e.method,
          e.route,
          e.url,
          e.query === undefined ? null : auditJson(e.query),
          rowsOf(e.body) ?? e.streamedRows ?? null,
          e.durationMs,
          e.status,
        ];
      } catch (err) {
        this.warn(`audit log: dropped an entry that could not be written (${e.method} ${e.route})`, err);
        continue;
      }
      rows.push(
        sql`(${list(
          values.map((v) => param(v)),
          ', ',
        )})`,
      );
    }
    if (rows.length === 0) return;
    try {
      await this.engine.query(
        sql`INSERT INTO rapport_audit (logged_at, user_name, role, method, route, url, query, rows, duration_ms, status) VALUES ${list(rows, ', ')}`,
      );
    } catch (err) {
      this.pending = [...batch, ...this.pending];
      this.warn('audit log: write failed; will retry', err);
    }
  }
}
