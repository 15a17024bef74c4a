import type { CubeQuery } from '../api-types';

export function queryJson(q: CubeQuery): string {
  return JSON.stringify(q, null, 2);
}

/** A shell-quoted curl command that runs the query against this server. */
export function curlCommand(origin: string, q: CubeQuery): string {
  const body = JSON.stringify({ query: q }).replaceAll("'", "'\\''");
  return `curl -s -X POST '${origin}/v1/query' -H 'content-type: application/json' -d '${body}'`;
}
