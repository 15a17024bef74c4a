import { html } from '../html';
import type { CustomerPageData, CustomersPageData } from '../shared/page-data';
import { pageShell } from './layout';

/** Customer 360's shell; the client fills it from `/v1/customers/:id`. */
export function customerPage(data: CustomerPageData): string {
  const main = html`
<section class="customer" data-customer="${data.customerId}" data-state="loading">
  <p class="breadcrumb-nav"><a href="/customers">Customers</a> › <span>${data.customerId}</span></p>
  <div class="customer-content"><div class="skeleton tall"></div></div>
</section>`;
  return pageShell({
    kind: 'customer',
    title: `Customer ${data.customerId}`,
    section: 'customers',
    main,
    data,
  });
}

/** Customer search results (`/customers?search=`); the client runs the search. */
export function customersPage(data: CustomersPageData): string {
  const main = html`
<section class="customer-search" data-state="loading">
  <header class="page-header"><h1>Customers</h1></header>
  <form class="search-form" action="/customers" method="get" role="search">
    <div class="input-row">
      <input type="search" name="search" value="${data.search}" placeholder="Name, e-mail, phone or customer id"
        aria-label="Search customers" autocomplete="off">
      <button class="button primary" type="submit">Search</button>
    </div>
  </form>
  <div class="search-results"></div>
</section>`;
  return pageShell({
    kind: 'customers',
    title: data.search ? `Customers: ${data.search}` : 'Customers',
    section: 'customers',
    main,
    data,
    search: data.search,
  });
}
