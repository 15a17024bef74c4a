import { ApiError } from '../core/api';
import { authHeaders } from '../core/api-key';

/** A saved segment as GET /v1/segments lists it (src/server/routes/segments.ts). */
export interface TargetGroup {
  segment_id: string;
  name: string;
  description: string | null;
  definition_text: string;
  created_at: string;
  refreshed_at: string;
  member_count: number;
  schedule: { cron: string; timezone: string; next_run: string | null; last_error: string | null } | null;
}

export interface Snapshot {
  seq: number;
  refreshed_at: string;
  cause: string;
  member_count: number;
  added: number;
  removed: number;
}

export interface Push {
  push_id: string;
  url: string;
  pushed_at: string;
  members: number;
  pages: number;
  pages_sent: number;
  status: string;
  error: string | null;
}

export const segmentUrl = (id: string, tail = '') => `/v1/segments/${encodeURIComponent(id)}${tail}`;

/**
 * A JSON request with any method (core/api.ts has GET and POST only): PUT and DELETE here. A 204
 * answers undefined; an error answer becomes an ApiError with the server's code and message.
 */
export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...authHeaders(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached');
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const e = (parsed ?? {}) as { code?: string; message?: string };
    throw new ApiError(
      response.status,
      e.code ?? `HTTP_${response.status}`,
      e.message ?? response.statusText,
    );
  }
  return parsed as T;
}
