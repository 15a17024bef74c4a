import nodemailer from 'nodemailer';
import type { DeliveryMessage } from './message';
import type { DeliverySettings } from './settings';

/** The body people read: the text, what to know, the data's date and the link back. */
export function emailText(m: DeliveryMessage): string {
  const lines = [m.text];
  if (m.note) lines.push('', m.note);
  if (m.dataAsOf !== undefined)
    lines.push('', `Data as of ${m.dataAsOf ?? 'unknown (no successful load yet)'}`);
  if (m.link) lines.push('', `Open it in rapport: ${m.link}`);
  return lines.join('\n');
}

/**
 * Sends one message over SMTP (nodemailer). Fails, for the caller to retry, when the server
 * refuses, does not answer within the timeout, or rejects a recipient.
 */
export async function sendEmail(
  settings: DeliverySettings,
  to: readonly string[],
  m: DeliveryMessage,
): Promise<void> {
  if (!settings.smtpUrl)
    throw new Error('no SMTP server configured: set RAPPORT_SMTP_URL (smtp://host:port)');
  const transport = nodemailer.createTransport({
    url: settings.smtpUrl,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: [...to],
      subject: m.subject,
      text: emailText(m),
      attachments: (m.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
    });
    if (info.rejected.length > 0) throw new Error(`the SMTP server refused ${info.rejected.join(', ')}`);
  } finally {
    transport.close();
  }
}
