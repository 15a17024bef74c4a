import { html } from '../html';
import { dataAsOfText } from '../shared/data-as-of-text';
import type { DashboardPageData } from '../shared/page-data';
import { pageShell } from './layout';

/**
 * A dashboard's shell: title, an empty filter bar and one skeleton per tile at its final size,
 * so the layout stands before any data arrives; the client fills it in.
 */
export function dashboardPage(data: DashboardPageData): string {
  const skeletons = data.tiles.map(
    (t) => html`<article class="tile is-loading" data-tile="${t.name}" data-chart="${t.chart}"
      style="--tile-width:${t.width};--tile-height:${t.height}">
      <header class="tile-header"><h2 class="tile-title">${t.title}</h2></header>
      <div class="tile-body"><div class="skeleton"></div></div>
    </article>`,
  );
  const main = html`
<section class="dashboard" data-dashboard="${data.id}" data-state="loading">
  <header class="page-header">
    <div>
      <p class="breadcrumb-nav"><a href="/">Dashboards</a></p>
      <h1>${data.title}</h1>
      ${data.description ? html`<p class="muted page-description">${data.description}</p>` : ''}
      ${data.dataAsOf === undefined ? '' : html`<p class="muted data-as-of" data-as-of="${data.dataAsOf ?? ''}">${dataAsOfText(data.dataAsOf)}</p>`}
    </div>
    <div class="page-actions" role="toolbar" aria-label="Dashboard actions">
      <button type="button" class="button small" data-action="copy-link" title="Copy a link to this view: its filters and drill-downs">Copy link</button>
      <button type="button" class="button small" data-action="export-yaml" title="Download the dashboard as a YAML file">Export YAML</button>
      ${data.saved ? html`<a class="button small" data-action="edit" href="/dashboards/${encodeURIComponent(data.id)}/edit">Edit</a>` : ''}
    </div>
  </header>
  <div class="filter-bar" role="toolbar" aria-label="Dashboard filters"></div>
  <div class="tile-grid">${skeletons}</div>
</section>`;
  return pageShell({ kind: 'dashboard', title: data.title, section: 'dashboards', main, data, charts: true });
}
