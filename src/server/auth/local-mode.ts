import { AppError } from '../../errors';

/** Hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host name of a Host header (`localhost:3000` → `localhost`, `[::1]:3000` → `[::1]`). */
function hostName(header: string): string {
  const bracketed = /^(\[[^\]]*\])(:\d+)?$/.exec(header.trim());
  return bracketed ? bracketed[1]! : header.trim().replace(/:\d+$/, '');
}

/**
 * Refuses a request whose Host header is not a loopback name or address in local mode. The
 * server listens on loopback only, but a web page can point a domain of its own at 127.0.0.1
 * (DNS rebinding) and have the browser call the API as the local admin; such requests carry the
 * page's domain as Host.
 */
export function assertLoopbackHost(host: string | undefined): void {
  if (host !== undefined && isLoopback(hostName(host))) return;
  throw new AppError(
    'FORBIDDEN',
    `refusing a request for host "${host ?? ''}": in local mode (no API key configured) rapport answers only requests addressed to localhost, 127.0.0.1 or ::1`,
    { host: host ?? null },
  );
}

export const LOCAL_MODE_NOTICE =
  'local mode: no API key is configured, so rapport listens on loopback only and treats every request as the local admin; add a user with `rapport users add` to require keys';

/** Refuses a non-loopback host in local mode: without keys the API must not be reachable from elsewhere. */
export function assertBindable(localMode: boolean, host: string): void {
  if (localMode && !isLoopback(host)) {
    throw new AppError(
      'FORBIDDEN',
      `refusing to listen on ${host}: no API key is configured, so rapport serves on loopback (127.0.0.1, ::1, localhost) only; add a user with \`rapport users add --name NAME --role admin\` first`,
      { host },
    );
  }
}
