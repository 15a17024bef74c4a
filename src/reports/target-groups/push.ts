import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Engine, Row } from '../../engine';
import { AppError } from '../../errors';
import { sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { parseParams } from '../common/params';
import { getSegment, MEMBER_COLUMNS, membersExport } from './store';

export const PushSchema = z
  .object({
    /** Where the pages are POSTed (http or https). */
    url: z
      .string()
      .url()
      .refine(
        (u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol),
        'the webhook URL must be http or https',
      ),
    /** Members per request [1000]. */
    page_size: z.number().int().min(1).max(10_000).default(1000),
    /** How long one request may take before the push fails [10 s]. */
    timeout_ms: z.number().int().min(100).max(60_000).default(10_000),
  })
  .strict();

export interface PushRecord {
  push_id: string;
  url: string;
  pushed_at: string;
  pushed_by: string | null;
  members: number;
  pages: number;
  pages_sent: number;
  status: 'sent' | 'failed';
  error: string | null;
}

/** The body of one page: the segment, where this page is in the push, and its members. */
export interface PushPage {
  segment: { id: string; name: string; refreshed_at: string };
  push_id: string;
  page: number;
  pages: number;
  total: number;
  columns: readonly string[];
  members: Row[];
}

/** Posts one page; a refusal (non-2xx), an unreachable host or the timeout is the reason it failed. */
async function postPage(url: string, body: PushPage, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) return `the receiver answered HTTP ${response.status} to page ${body.page}`;
    return undefined;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError')
      return `no answer to page ${body.page} within ${timeoutMs} ms (timeout_ms)`;
    return `page ${body.page} could not be sent: ${err.cause?.code ?? err.cause?.message ?? err.message}`;
  }
}

/**
 * Pushes a segment's members (with their contact fields, as the export reads them: a user
 * restricted by access rules pushes only the members they may see) to a webhook, in pages of at
 * most `page_size`, one after another; stops at the first failure. Every push is recorded; a
 * failed one answers WEBHOOK_FAILED (502) naming the page and the reason.
 */
export async function pushMembers(
  ctx: ReportContext,
  idOrName: string,
  input: unknown,
  options: { user: string | null; maxRows: number },
): Promise<PushRecord> {
  const p = parseParams(PushSchema, input, 'push');
  const segment = await getSegment(ctx, idOrName);
  const rows = (
    await ctx.engine.query(await membersExport(ctx, segment.segment_id), { maxRows: options.maxRows })
  ).rows;
  const pages = Math.max(1, Math.ceil(rows.length / p.page_size));
  const pushId = randomUUID();
  let sent = 0;
  let error: string | undefined;
  for (let page = 1; page <= pages && !error; page++) {
    error = await postPage(
      p.url,
      {
        segment: { id: segment.segment_id, name: segment.name, refreshed_at: segment.refreshed_at },
        push_id: pushId,
        page,
        pages,
        total: rows.length,
        columns: MEMBER_COLUMNS,
        members: rows.slice((page - 1) * p.page_size, page * p.page_size),
      },
      p.timeout_ms,
    );
    if (!error) sent++;
  }
  const record: PushRecord = {
    push_id: pushId,
    url: p.url,
    pushed_at: new Date().toISOString(),
    pushed_by: options.user,
    members: rows.length,
    pages,
    pages_sent: sent,
    status: error ? 'failed' : 'sent',
    error: error ?? null,
  };
  await ctx.engine.exec(sql`
    INSERT INTO target_group_pushes VALUES (${pushId}, ${segment.segment_id}, ${p.url},
      CAST(${record.pushed_at.replace('T', ' ').replace('Z', '')} AS TIMESTAMP), ${record.pushed_by},
      ${record.members}, ${pages}, ${sent}, ${record.status}, ${record.error})`);
  if (error) {
    throw new AppError('WEBHOOK_FAILED', `push of "${segment.segment_id}" to ${p.url} failed: ${error}`, {
      segment: segment.segment_id,
      push: record,
    });
  }
  return record;
}

/** A segment's pushes, newest first. */
export async function segmentPushes(engine: Engine, segmentId: string): Promise<PushRecord[]> {
  const r = await engine.query(sql`
    SELECT * EXCLUDE (segment_id) FROM target_group_pushes WHERE segment_id = ${segmentId}
    ORDER BY pushed_at DESC LIMIT 50`);
  return r.rows.map((row) => ({
    push_id: String(row['push_id']),
    url: String(row['url']),
    pushed_at: String(row['pushed_at']),
    pushed_by: row['pushed_by'] === null ? null : String(row['pushed_by']),
    members: Number(row['members']),
    pages: Number(row['pages']),
    pages_sent: Number(row['pages_sent']),
    status: row['status'] === 'sent' ? 'sent' : 'failed',
    error: row['error'] === null ? null : String(row['error']),
  }));
}
