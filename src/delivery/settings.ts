/** Where deliveries go out from and link back to; read from the environment by `deliverySettings`. */
export interface DeliverySettings {
  /** `smtp://user:pass@host:587` or `smtps://…` [RAPPORT_SMTP_URL]; no e-mail without it. */
  readonly smtpUrl?: string;
  /** The From address [RAPPORT_SMTP_FROM, else rapport@localhost]. */
  readonly from: string;
  /** The web app's address as readers reach it, for links back [RAPPORT_BASE_URL]. */
  readonly baseUrl?: string;
  /** The Chromium that renders PNG and PDF [RAPPORT_CHROMIUM, else /usr/bin/chromium]. */
  readonly chromium: string;
  /** How long a webhook or SMTP exchange may take [15 s]. */
  readonly timeoutMs: number;
  /** Attempts of one delivery before it is given up as failed [5]. */
  readonly maxAttempts: number;
  /** Wait before the first retry, doubled each time [60 s], at most maxDelayMs [1 h]. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export function deliverySettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<DeliverySettings> = {},
): DeliverySettings {
  const text = (k: string) => (env[k]?.trim() ? env[k]!.trim() : undefined);
  return {
    smtpUrl: text('RAPPORT_SMTP_URL'),
    from: text('RAPPORT_SMTP_FROM') ?? 'rapport@localhost',
    baseUrl: text('RAPPORT_BASE_URL')?.replace(/\/+$/, ''),
    chromium: text('RAPPORT_CHROMIUM') ?? '/usr/bin/chromium',
    timeoutMs: 15_000,
    maxAttempts: 5,
    baseDelayMs: 60_000,
    maxDelayMs: 3_600_000,
    ...overrides,
  };
}

/** The wait before attempt `attempt + 1` after `attempt` failed: exponential, capped. */
export function backoffMs(s: Pick<DeliverySettings, 'baseDelayMs' | 'maxDelayMs'>, attempt: number): number {
  return Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** (attempt - 1));
}
