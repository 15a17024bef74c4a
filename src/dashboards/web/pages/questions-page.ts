import { html } from '../html';
import { pageShell } from './layout';

/** The saved questions, their alerts and the subscriptions; the client lists them from the API. */
export function questionsPage(): string {
  const main = html`
<section class="questions" data-state="loading">
  <header class="page-header">
    <div>
      <h1>Questions</h1>
      <p class="muted page-description">Queries saved from Explore with their charts. Open one to run it again, under your own access rules.</p>
    </div>
  </header>
  <form class="questions-search" role="search" aria-label="Search questions">
    <input type="search" name="q" placeholder="Search questions…" aria-label="Search questions" autocomplete="off">
  </form>
  <div class="questions-list"></div>
  <section class="alerts-section" aria-labelledby="alerts-heading">
    <h2 id="alerts-heading">Alerts</h2>
    <div class="alerts-list"></div>
  </section>
  <section class="subscriptions-section" id="subscriptions" aria-labelledby="subscriptions-heading">
    <h2 id="subscriptions-heading">Subscriptions</h2>
    <p class="muted small">Dashboards and questions delivered to you on a schedule, each run under its owner's access rules. Subscribe from a dashboard or a question's row.</p>
    <div class="subscriptions-list" data-state="loading"></div>
  </section>
</section>`;
  return pageShell({ kind: 'questions', title: 'Questions', section: 'questions', main });
}
