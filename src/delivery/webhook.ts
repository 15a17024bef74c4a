import type { DeliveryMessage } from './message';

/** Links to the delivery's images (and other files), served from the deliveries log. */
export interface FileLinks {
  readonly images: readonly string[];
}

/** Our JSON: the numbers, the image links and "data as of", for scripts and other services. */
export function jsonBody(m: DeliveryMessage, links: FileLinks): Record<string, unknown> {
  return {
    subject: m.subject,
    text: m.text,
    link: m.link ?? null,
    data_as_of: m.dataAsOf ?? null,
    images: links.images,
    note: m.note ?? null,
    data: m.data ?? null,
  };
}

/** Slack's incoming-webhook body: `text` for notifications, `blocks` for the message itself. */
export function slackBody(m: DeliveryMessage, links: FileLinks): { text: string; blocks: unknown[] } {
  const title = m.link ? `*<${m.link}|${m.subject}>*` : `*${m.subject}*`;
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: `${title}\n${m.text}` } }];
  const image = links.images[0];
  if (image) blocks.push({ type: 'image', image_url: image, alt_text: m.subject });
  const context = [`Data as of ${m.dataAsOf ?? 'unknown'}`];
  if (m.note) context.push(m.note);
  blocks.push({ type: 'context', elements: context.map((text) => ({ type: 'mrkdwn', text })) });
  return { text: `${m.subject}: ${m.text}`, blocks };
}

/** POSTs the body; anything but a 2xx answer within the timeout is a failure to retry. */
export async function postWebhook(url: string, body: unknown, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'rapport-delivery' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const err = e as Error & { cause?: Error };
    const why =
      err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.message ?? err.message);
    throw new Error(`webhook ${url}: ${why}`);
  }
  await res.body?.cancel();
  if (!res.ok) throw new Error(`webhook ${url} answered ${res.status} ${res.statusText}`);
}
