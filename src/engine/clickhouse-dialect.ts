import { baseDialect, type Dialect } from '../sql';

/**
 * Stand-in until src/sql/dialects/clickhouse.ts (the ClickHouse dialect proper) lands: backtick
 * identifiers and typed `{pN:Type}` placeholders, the rest from the base dialect. Enough for
 * statements that come rendered or as text; the real dialect replaces this import.
 */
export const clickhouseDialect: Dialect = {
  ...baseDialect,
  name: 'clickhouse',
  quoteIdentifier: (name) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
  placeholder: (index: number, type?: unknown) => `{p${index}:${typeof type === 'string' ? type : 'String'}}`,
};
