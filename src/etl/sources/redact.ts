/**
 * Hides the secrets a URL can carry in an error message (user:password before the host, tokens
 * in the query string): messages end up in etl_runs.error, in logs and in API answers.
 */
export function redactUrls(message: string): string {
  return message
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1***@')
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s?#]*)\?[^\s#]*/gi, '$1?***');
}

/** Also hides the given secret values (resolved headers), wherever they appear. */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = redactUrls(message);
  for (const s of secrets) if (s.length >= 4) out = out.replaceAll(s, '***');
  return out;
}
