import { type NamedConnection, resolveSetting } from './load';
import type { ConnectionDefinition } from './schema';

type Of<T extends ConnectionDefinition['type']> = NamedConnection & {
  definition: Extract<ConnectionDefinition, { type: T }>;
};

/**
 * Where and as whom to connect, with `${ENV_VAR}` references resolved and the local services'
 * defaults filled in: the part of a client's settings that every user of a connection (the
 * extract, `rapport demo seed-sources`) shares. Each adds its own timeouts and modes.
 */
export function postgresEndpoint(c: Of<'postgres'>) {
  const d = c.definition;
  return {
    host: resolveSetting(c, 'host', d.host) ?? '127.0.0.1',
    port: Number(resolveSetting(c, 'port', d.port) ?? 5432),
    user: resolveSetting(c, 'user', d.user) ?? 'postgres',
    password: resolveSetting(c, 'password', d.password),
    database: resolveSetting(c, 'database', d.database),
    ssl: d.ssl,
  };
}

/** As {@link postgresEndpoint}, for MySQL and MariaDB (no database: callers choose). */
export function mysqlEndpoint(c: Of<'mysql'>) {
  const d = c.definition;
  return {
    host: resolveSetting(c, 'host', d.host) ?? '127.0.0.1',
    port: Number(resolveSetting(c, 'port', d.port) ?? 3306),
    user: resolveSetting(c, 'user', d.user) ?? 'root',
    password: resolveSetting(c, 'password', d.password) ?? '',
  };
}
