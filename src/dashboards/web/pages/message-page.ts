import { html } from '../html';
import { pageShell } from './layout';

export interface PageMessage {
  /** The HTTP status the page is served with, shown large. */
  readonly status: number;
  readonly heading: string;
  readonly hint?: string;
  /** Preformatted detail, e.g. the problems of a dashboard file that failed to load. */
  readonly detail?: string;
}

/** A page that only says what went wrong: an unknown dashboard, a broken dashboard file. */
export function messagePage(m: PageMessage): string {
  const main = html`<section class="message-page">
  <p class="message-status">${m.status}</p>
  <h1>${m.heading}</h1>
  <p class="muted">${m.hint ?? ''}</p>
  ${m.detail ? html`<pre class="message-detail">${m.detail}</pre>` : ''}
  <p><a class="button" href="/">All dashboards</a></p>
</section>`;
  return pageShell({ kind: 'not-found', title: m.heading, main });
}
