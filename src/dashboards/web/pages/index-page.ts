import { html } from '../html';
import { pageShell } from './layout';

export interface DashboardSummary {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly tiles: number;
  /** Who saved it, for dashboards built in the browser or imported (shipped files have none). */
  readonly createdBy?: string;
}

/** The home page: every dashboard as a card, Explore, and the customer search. */
export function indexPage(dashboards: readonly DashboardSummary[], loadError?: string): string {
  const cards = dashboards.map(
    (
      d,
    ) => html`<a class="card dashboard-card" href="/dashboards/${encodeURIComponent(d.id)}" data-dashboard="${d.id}">
      <h3 class="card-title">${d.title}</h3>
      <p class="card-text">${d.description ?? ''}</p>
      <span class="card-meta">${d.tiles} tile${d.tiles === 1 ? '' : 's'}${d.createdBy === undefined ? '' : ` · saved by ${d.createdBy}`}</span>
    </a>`,
  );
  const main = html`
<section class="hero">
  <div>
    <h1>Dashboards</h1>
    <p class="muted">Sales, marketing, service and customer analytics from the warehouse.</p>
  </div>
  <form class="hero-search" action="/customers" method="get" role="search">
    <label for="home-search" class="label">Find a customer</label>
    <div class="input-row">
      <input id="home-search" type="search" name="search" placeholder="Name, e-mail, phone or customer id" autocomplete="off">
      <button class="button primary" type="submit">Search</button>
    </div>
  </form>
</section>
${loadError ? html`<div class="alert error" role="alert"><strong>Dashboards failed to load.</strong><pre>${loadError}</pre></div>` : ''}
${dashboards.length === 0 && !loadError ? html`<p class="empty-note">No dashboards yet: add a YAML file to <code>dashboards/</code>.</p>` : ''}
<section class="card-grid" aria-label="Dashboards">
  ${cards}
  <a class="card new-dashboard-card" href="/dashboards/new" data-action="new-dashboard">
    <h3 class="card-title">New dashboard</h3>
    <p class="card-text">Build a dashboard in the browser: tiles from saved questions, cube queries or the shipped dashboards' reports, on the grid, with filters.</p>
    <span class="card-meta">Builder</span>
  </a>
  <a class="card explore-card" href="/explore">
    <h3 class="card-title">Explore</h3>
    <p class="card-text">Ask your own question: pick measures, dimensions, a time range and filters, and see the table, the chart and the SQL.</p>
    <span class="card-meta">Query builder</span>
  </a>
</section>`;
  return pageShell({ kind: 'index', title: 'Dashboards', section: 'dashboards', main });
}
