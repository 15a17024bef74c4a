import { html } from '../html';
import { pageShell } from './layout';

/** The insights page's shell; the client builds the form from the URL's query and runs it. */
export function insightsPage(): string {
  const main = html`
<section class="insights" data-state="loading">
  <header class="page-header">
    <div>
      <h1>Insights</h1>
      <p class="muted page-description">Trends, funnels, retention, stickiness, lifecycle and paths over the web events. The query is in the address: share it, and it shows the same answer.</p>
    </div>
  </header>
  <div class="insight-query"></div>
  <div class="insight-result"></div>
</section>`;
  return pageShell({ kind: 'insights', title: 'Insights', section: 'insights', main, charts: true });
}
