/** One file sent with a delivery: an image, a PDF, a table as CSV. */
export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** What is delivered, whatever the destination: e-mail takes it whole, webhooks its text and data. */
export interface DeliveryMessage {
  subject: string;
  text: string;
  /** Back to the dashboard or question in the web app. */
  link?: string;
  attachments?: Attachment[];
  /** The numbers, for webhooks' JSON (tiles with their rows, or a question's rows). */
  data?: unknown;
  /** The end of the last successful load of the facts shown (ISO), said in every delivery. */
  dataAsOf?: string | null;
  /** Something the reader should know, e.g. that images are missing and why. */
  note?: string;
}

interface StoredAttachment {
  filename: string;
  contentType: string;
  base64: string;
}

/** The message as JSON for the deliveries log, attachments in base64, so a retry can resend it. */
export function messageToJson(m: DeliveryMessage): string {
  const attachments: StoredAttachment[] = (m.attachments ?? []).map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    base64: a.content.toString('base64'),
  }));
  return JSON.stringify({ ...m, attachments });
}

export function messageFromJson(text: string): DeliveryMessage {
  const raw = JSON.parse(text) as Omit<DeliveryMessage, 'attachments'> & { attachments?: StoredAttachment[] };
  return {
    ...raw,
    attachments: (raw.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.base64, 'base64'),
    })),
  };
}
