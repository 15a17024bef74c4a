import { ApiError, getJson, postJson } from '../core/api';
import { authHeaders } from '../core/api-key';

/** A saved question as /v1/questions answers it (src/questions/types.ts). */
export interface Question {
  id: string;
  name: string;
  description: string | null;
  query: Record<string, unknown>;
  chart: Record<string, unknown>;
  createdBy: string | null;
  updatedBy?: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AlertCheck {
  checkedAt: string;
  period: string | null;
  value: number | null;
  crossed: boolean;
  fired: boolean;
  delivery: string | null;
  error: string | null;
}

export interface AlertSummary {
  id: string;
  questionId: string;
  name: string;
  condition: string;
  threshold: number | null;
  measure: string | null;
  crossed: boolean;
  lastCheck: AlertCheck | null;
}

/** PUT and DELETE, which core/api has no helpers for; a 204 answers undefined. */
async function sendJson<T>(method: 'PUT' | 'DELETE', url: string, body?: unknown): Promise<T | undefined> {
  const response = await fetch(url, {
    method,
    headers: {
      accept: 'application/json',
      ...authHeaders(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined;
  const answer = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
  if (!response.ok)
    throw new ApiError(
      response.status,
      answer.code ?? `HTTP_${response.status}`,
      answer.message ?? 'The request failed',
    );
  return answer as T;
}

const path = (id: string) => `/v1/questions/${encodeURIComponent(id)}`;

export const questionsApi = {
  list: (search: string, signal?: AbortSignal) =>
    getJson<{ data: Question[] }>(
      `/v1/questions${search ? `?search=${encodeURIComponent(search)}` : ''}`,
      signal,
    ),
  get: (id: string) => getJson<Question>(path(id)),
  create: (q: Pick<Question, 'name' | 'description' | 'query' | 'chart'>) =>
    postJson<Question>('/v1/questions', q),
  update: (id: string, q: Partial<Pick<Question, 'name' | 'description' | 'query' | 'chart'>>) =>
    sendJson<Question>('PUT', path(id), q),
  duplicate: (id: string) => postJson<Question>(`${path(id)}/duplicate`, {}),
  remove: (id: string) => sendJson<undefined>('DELETE', path(id)),
  alerts: () => getJson<{ data: AlertSummary[] }>('/v1/alerts'),
  history: (id: string) => getJson<{ data: AlertCheck[] }>(`/v1/alerts/${encodeURIComponent(id)}/history`),
};

/** Explore's address of a question: it loads the question's query and chart from there. */
export function questionUrl(id: string): string {
  return `/explore?question=${encodeURIComponent(id)}`;
}
