import { authHeaders, promptForApiKey } from './api-key';

/** An error answer of the HTTP API (`{code, message, details}`), or a failed request. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const e = (body ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
    throw new ApiError(
      response.status,
      typeof e.code === 'string' ? e.code : `HTTP_${response.status}`,
      typeof e.message === 'string' ? e.message : response.statusText || 'The request failed',
      e.details,
    );
  }
  if (body === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', 'The server answered no JSON');
  return body as T;
}

async function send<T>(url: string, init: RequestInit, retried = false): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...authHeaders(), ...init.headers },
    });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(0, 'NETWORK', 'The server could not be reached');
  }
  // Keys are required (the server is not in local mode): ask once, then retry with the key.
  if (response.status === 401 && !retried && promptForApiKey()) return send<T>(url, init, true);
  return answer<T>(response);
}

export function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return send<T>(url, { signal });
}

export function postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return send<T>(url, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function putJson<T>(url: string, body: unknown): Promise<T> {
  return send<T>(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** DELETE; its success is a 204 without a body, so only an error answer is read. */
export async function deleteResource(url: string): Promise<void> {
  try {
    await send<unknown>(url, { method: 'DELETE' });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'BAD_RESPONSE' && e.status < 300) return;
    throw e;
  }
}
