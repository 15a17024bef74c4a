// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${ENV_VAR} is the syntax these messages name, not a template
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

/**
 * Why a secret setting is not acceptable, or undefined: secrets come only from the environment,
 * so the value must refer to a variable, and no default may spell a secret out. `literalAllowed`
 * admits text around the reference (`Bearer ${TOKEN}`).
 */
export function plainSecretProblem(text: string, literalAllowed: boolean): string | undefined {
  const refs = [...text.matchAll(REFERENCE)].filter((m) => !m[1]);
  if (refs.length === 0) return 'a secret is written only as an ${ENV_VAR} reference, never in plain text';
  if (refs.some((m) => (m[3] ?? '') !== '')) {
    return 'a secret takes no default value (${NAME:-} for an empty one), since the default would be plain text';
  }
  if (!literalAllowed && text.replace(REFERENCE, '').trim() !== '') {
    return 'a password is an ${ENV_VAR} reference and nothing else';
  }
  return undefined;
}
