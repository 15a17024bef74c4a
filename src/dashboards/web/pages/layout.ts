import { VENDOR_SCRIPTS } from '../assets/vendor';
import { html, jsonScript, type SafeHtml } from '../html';
import { PAGE_DATA_ID, type PageKind } from '../shared/page-data';

export type NavSection = 'dashboards' | 'explore' | 'questions' | 'insights' | 'customers' | 'target-groups';

export interface PageShell {
  readonly kind: PageKind;
  /** The document title, before " · rapport". */
  readonly title: string;
  readonly section?: NavSection;
  readonly main: SafeHtml;
  /** JSON for the client script (`#page-data`). */
  readonly data?: unknown;
  /** Whether the page draws charts and needs the vega scripts. */
  readonly charts?: boolean;
  /** The header search box's text (the customer search page keeps the query there). */
  readonly search?: string;
}

const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E" +
  "%3Crect width='16' height='16' rx='3' fill='%232f5bea'/%3E" +
  "%3Cpath d='M4 12V7M8 12V4M12 12V9' stroke='white' stroke-width='2' stroke-linecap='round'/%3E%3C/svg%3E";

function navLink(href: string, label: string, section: NavSection, active?: NavSection): SafeHtml {
  return html`<a href="${href}" class="nav-link${section === active ? ' is-active' : ''}"${
    section === active ? html` aria-current="page"` : ''
  }>${label}</a>`;
}

/** The frame every page shares: head, header with navigation and customer search, scripts. */
export function pageShell(page: PageShell): string {
  const vendor = page.charts
    ? VENDOR_SCRIPTS.map((s) => html`<script defer src="/assets/vendor/${s}"></script>`)
    : [];
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · rapport</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="/assets/app.css">
${vendor}
<script defer src="/assets/app.js"></script>
</head>
<body data-page="${page.kind}">
<header class="app-header">
  <a class="brand" href="/"><span class="brand-mark" aria-hidden="true"></span>rapport</a>
  <nav class="app-nav" aria-label="Main">
    ${navLink('/', 'Dashboards', 'dashboards', page.section)}
    ${navLink('/explore', 'Explore', 'explore', page.section)}
    ${navLink('/questions', 'Questions', 'questions', page.section)}
    ${navLink('/insights', 'Insights', 'insights', page.section)}
    ${navLink('/target-groups', 'Target groups', 'target-groups', page.section)}
    ${navLink('/customers', 'Customers', 'customers', page.section)}
  </nav>
  <form class="header-search" action="/customers" method="get" role="search">
    <input type="search" name="search" placeholder="Search customers…" aria-label="Search customers"
      autocomplete="off" value="${page.search ?? ''}">
  </form>
</header>
<main id="app" class="page page-${page.kind}">
${page.main}
</main>
${page.data === undefined ? '' : jsonScript(PAGE_DATA_ID, page.data)}
</body>
</html>`}\n`;
}
