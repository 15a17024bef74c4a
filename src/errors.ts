/**
 * The one error catalogue. Every error a user can cause or fix is declared here once, with a
 * stable code and the HTTP status the server answers with. A broken invariant stays a plain
 * `Error` and becomes a 500.
 */

export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, title: 'The request or file does not validate' },
  CONFIG_INVALID: { status: 400, title: 'A configuration file is invalid' },
  UNKNOWN_MEMBER: { status: 400, title: 'The query names a member the model does not have' },
  INVALID_QUERY: { status: 400, title: 'The query cannot be compiled' },
  UNAUTHENTICATED: { status: 401, title: 'The request carries no valid API key or token' },
  FORBIDDEN: { status: 403, title: "The user's role does not allow this route" },
  MEMBER_FORBIDDEN: { status: 403, title: 'The query names a member the user may not see' },
  CUBE_NOT_FOUND: { status: 404, title: 'No such cube' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  JOB_NOT_FOUND: { status: 404, title: 'No such ETL job' },
  SOURCE_NOT_FOUND: { status: 400, title: 'The ETL source cannot be read' },
  SOURCE_INVALID: { status: 400, title: 'The ETL source does not match the job' },
  NOT_ACCEPTABLE: { status: 406, title: 'The requested format is not available' },
  CONFLICT: { status: 409, title: 'The resource already exists or is busy' },
  UNSUPPORTED_FEATURE: { status: 422, title: 'The feature is not supported here' },
  REPORT_ENGINE_UNSUPPORTED: {
    status: 422,
    title: 'The report does not run on the warehouse engine in use',
  },
  ROW_LIMIT_EXCEEDED: { status: 422, title: 'The result has more rows than allowed' },
  WORK_LIMIT_EXCEEDED: { status: 422, title: 'The request asks for more computation than allowed' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is larger than allowed' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'The request body is not JSON (send Content-Type: application/json)',
  },
  RATE_LIMITED: { status: 429, title: 'Too many requests; retry after the time given' },
  SERVER_BUSY: { status: 503, title: 'Too many queries are running; retry later' },
  WAREHOUSE_LOCKED: { status: 503, title: 'The warehouse file is in use by another process' },
  QUERY_TIMEOUT: { status: 504, title: 'The query took too long and was interrupted' },
  ENGINE_FAILED: { status: 502, title: 'The database engine failed' },
  ETL_FAILED: { status: 500, title: 'The ETL job failed and was rolled back' },
  WEBHOOK_FAILED: { status: 502, title: 'The webhook receiver refused the request or timed out' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Where in a file a problem is: used by every loader of YAML files. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
  /** The dotted path of the field, e.g. `mapping.ordered_at`. */
  field?: string;
}

export interface Problem extends SourcePosition {
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export function formatPosition(p: SourcePosition): string {
  let s = p.file;
  if (p.line !== undefined) s += `:${p.line}`;
  if (p.column !== undefined) s += `:${p.column}`;
  if (p.field) s += ` (${p.field})`;
  return s;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${formatPosition(p)}: ${p.message}`).join('\n');
}

/** A file that failed validation: carries every problem found, not only the first. */
export class ConfigError extends AppError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(
      'CONFIG_INVALID',
      `${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${formatProblems(problems)}`,
      { problems },
    );
    this.problems = problems;
  }
}
