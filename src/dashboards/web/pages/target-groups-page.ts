import { html } from '../html';
import type { TargetGroupsPageData } from '../shared/target-groups-data';
import { pageShell } from './layout';

/** `/target-groups`: the saved segments with search and actions; the client fills it from /v1/segments. */
export function targetGroupsPage(data: TargetGroupsPageData): string {
  const main = html`
<section class="target-groups" data-state="loading">
  <header class="page-header">
    <div>
      <h1>Target groups</h1>
      <p class="muted page-description">Customer lists saved from report slices, dashboard tiles and cube queries: refresh them, schedule refreshes, export or push their members, and see how they changed.</p>
    </div>
  </header>
  <form class="search-form tg-search-form" role="search" action="/target-groups" method="get">
    <div class="input-row">
      <input type="search" name="search" class="tg-search" value="${data.search}" placeholder="Name or description"
        aria-label="Search target groups" autocomplete="off">
    </div>
  </form>
  <div class="tg-list"></div>
  <div class="tg-detail"></div>
</section>`;
  return pageShell({
    kind: 'target-groups',
    title: 'Target groups',
    section: 'target-groups',
    main,
    data,
    charts: true,
  });
}
