import { html } from '../html';
import { pageShell } from './layout';

/** The query builder's shell; the client builds the member browser from `/v1/meta`. */
export function explorePage(): string {
  const main = html`
<section class="explore" data-state="loading">
  <aside class="member-browser" aria-label="Measures and dimensions"><div class="skeleton"></div></aside>
  <div class="explore-main">
    <header class="page-header"><h1>Explore</h1></header>
    <div class="query-builder"></div>
    <div class="results"></div>
  </div>
</section>`;
  return pageShell({ kind: 'explore', title: 'Explore', section: 'explore', main, charts: true });
}
