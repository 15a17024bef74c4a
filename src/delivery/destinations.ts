import { z } from 'zod';

/**
 * Where a delivery goes: e-mail recipients, or a webhook that takes our JSON (`json`) or a
 * Slack-compatible body (`slack`: `{text, blocks}`, what Slack's incoming webhooks accept).
 */
export type Destination =
  | { kind: 'email'; to: string[] }
  | { kind: 'webhook'; url: string; format: 'json' | 'slack' };

/** An address as a person types it; the SMTP server has the last word. */
const Email = z
  .string()
  .regex(/^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/, 'an e-mail address like name@example.com');

const HttpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:$/.test(new URL(u).protocol), 'a webhook URL starts with http:// or https://');

export const DestinationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), to: z.array(Email).min(1).max(100) }).strict(),
  z
    .object({
      kind: z.literal('webhook'),
      url: HttpUrl,
      format: z.enum(['json', 'slack']).default('json'),
    })
    .strict(),
]);

/** A destination in a line, for logs and the CLI: `email a@x.org, b@y.org` or `webhook(slack) https://…`. */
export function describeDestination(d: Destination): string {
  return d.kind === 'email' ? `email ${d.to.join(', ')}` : `webhook(${d.format}) ${d.url}`;
}

/**
 * A destination from the CLI's words: an address (or several, comma-separated) is e-mail, an
 * http(s) URL a JSON webhook, `slack:URL` a Slack-compatible webhook.
 */
export function parseDestination(text: string): Destination {
  const t = text.trim();
  if (t.startsWith('slack:'))
    return DestinationSchema.parse({ kind: 'webhook', url: t.slice(6), format: 'slack' });
  if (/^https?:\/\//.test(t)) return DestinationSchema.parse({ kind: 'webhook', url: t, format: 'json' });
  return DestinationSchema.parse({ kind: 'email', to: t.split(',').map((s) => s.trim()) });
}
