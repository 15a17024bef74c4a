import { AppError } from '../../errors';

/** `${NAME}` or `${NAME:-default}`; `$${` writes a literal `${`. */
const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Replaces environment references in a connection setting. A variable that is unset (or empty)
 * takes its default; without one the setting cannot be resolved, and the error names the
 * variable and where it is used, never a value.
 */
export function interpolate(text: string, env: Environment, where: string): string {
  return text.replace(REFERENCE, (whole, escaped: string, name: string, fallback: string | undefined) => {
    if (escaped) return whole.slice(1);
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new AppError('CONFIG_INVALID', `${where}: the environment variable ${name} is not set`, {
      variable: name,
      where,
    });
  });
}

/** The names of the variables a setting refers to (for `rapport check` and docs). */
export function referencedVariables(text: string): string[] {
  return [...text.matchAll(REFERENCE)].filter((m) => !m[1]).map((m) => m[2]!);
}
