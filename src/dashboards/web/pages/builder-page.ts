import { html } from '../html';
import type { BuilderPageData } from '../shared/builder-data';
import { pageShell } from './layout';

/** The dashboard builder's shell; the client (client/builder/) fills the form and the grid. */
export function builderPage(data: BuilderPageData): string {
  const heading = data.dashboard ? 'Edit dashboard' : 'New dashboard';
  const main = html`
<section class="builder" data-state="loading" data-dashboard="${data.dashboard?.id ?? ''}">
  <header class="page-header">
    <div>
      <p class="breadcrumb-nav"><a href="/">Dashboards</a></p>
      <h1>${heading}</h1>
    </div>
    <div class="page-actions builder-actions"></div>
  </header>
  <div class="builder-status" role="status" aria-live="polite"></div>
  <div class="builder-body">
    <div class="builder-main"></div>
    <aside class="builder-side" aria-label="Add tiles and filters"></aside>
  </div>
</section>`;
  return pageShell({ kind: 'builder', title: heading, section: 'dashboards', main, data });
}
