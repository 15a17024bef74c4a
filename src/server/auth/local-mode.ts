import { AppError } from '../../errors';

/** Hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
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
