/**
 * The API key the browser sends when the server requires one (not in local mode). It is kept in
 * localStorage and asked for once, when the server first answers 401.
 */
const STORAGE_KEY = 'rapport.apiKey';

export function storedApiKey(): string | undefined {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function authHeaders(): Record<string, string> {
  const key = storedApiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Asks for a key (a previous one was missing or refused); true when one was given. */
export function promptForApiKey(): boolean {
  const key = window
    .prompt('This rapport server needs an API key (rapport users add prints one). Key:')
    ?.trim();
  if (!key) return false;
  try {
    localStorage.setItem(STORAGE_KEY, key);
  } catch {
    return false;
  }
  return true;
}
