import type { Engine } from '../../engine';
import type { SqlValue } from '../../sql';

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

  /** Writes what is pending; resolves when written (or failed and kept for later). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
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
    const params: SqlValue[] = [];
    const rows = batch.map((e) => {
      const base = params.length;
      params.push(
        e.at.toISOString().slice(0, 23),
        e.user,
        e.role,
        e.method,
        e.route,
        e.url,
        e.query === undefined ? null : JSON.stringify(e.query),
        rowsOf(e.body) ?? e.streamedRows ?? null,
        e.durationMs,
        e.status,
      );
      return `(${Array.from({ length: 10 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    try {
      await this.engine.query({
        text: `INSERT INTO rapport_audit (logged_at, user_name, role, method, route, url, query, rows, duration_ms, status) VALUES ${rows.join(', ')}`,
        params,
      });
    } catch (err) {
      this.pending = [...batch, ...this.pending];
      this.warn('audit log: write failed; will retry', err);
    }
  }
}
