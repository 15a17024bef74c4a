import type { Role } from '../../model/access/types';

/** Who may call a route: anyone (`public`), or the listed roles. `admin` may call every route. */
export type Permission = 'public' | readonly Role[];

const READ_DATA: readonly Role[] = ['analyst', 'marketer', 'executive'];
const QUERY: readonly Role[] = ['analyst', 'marketer'];
const SQL: readonly Role[] = ['analyst'];
const MARKETING: readonly Role[] = ['marketer'];
const ADMIN: readonly Role[] = [];

/**
 * The one table of route permissions, keyed like `app.routeTable` ("METHOD /url"; HEAD follows
 * GET). A route missing here is denied to everyone but admins: tests/security checks the table
 * against the route table. Web pages and assets are public shells: their data comes from the
 * API routes below, which check the user.
 */
export const PERMISSIONS: Readonly<Record<string, Permission>> = {
  'GET /docs': 'public',
  'HEAD /docs/': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/*': 'public',
  'GET /openapi.json': 'public',
  'GET /health': 'public',

  'GET /v1/etl/runs': ADMIN,
  'GET /v1/etl/rejects': ADMIN,
  'GET /v1/etl/jobs': ADMIN,
  'POST /v1/etl/runs': ADMIN,
  'POST /v1/etl/jobs/:name/run': ADMIN,

  'GET /v1/users': ADMIN,
  'POST /v1/users': ADMIN,
  'DELETE /v1/users/:name': ADMIN,

  'GET /v1/meta': READ_DATA,
  'GET /v1/meta/values': READ_DATA,
  'GET /v1/query': QUERY,
  'POST /v1/query': QUERY,
  'GET /v1/sql': SQL,
  'POST /v1/sql': SQL,
  'POST /v1/drill': QUERY,

  'GET /cubejs-api/v1/load': QUERY,
  'POST /cubejs-api/v1/load': QUERY,
  'GET /cubejs-api/v1/subscribe': QUERY,
  'POST /cubejs-api/v1/subscribe': QUERY,
  'GET /cubejs-api/v1/meta': READ_DATA,
  'GET /cubejs-api/v1/sql': SQL,
  'POST /cubejs-api/v1/sql': SQL,
  'GET /cubejs-api/v1/dry-run': QUERY,
  'POST /cubejs-api/v1/dry-run': QUERY,

  'GET /v1/reports': READ_DATA,
  'POST /v1/reports/:name': READ_DATA,

  'GET /v1/segments': MARKETING,
  'POST /v1/segments': MARKETING,
  'GET /v1/segments/:id': MARKETING,
  'POST /v1/segments/:id/refresh': MARKETING,
  'DELETE /v1/segments/:id': MARKETING,
  'GET /v1/segments/:id/members': MARKETING,
  'GET /v1/segments/:id/history': MARKETING,
  'GET /v1/segments/:id/schedule': MARKETING,
  'PUT /v1/segments/:id/schedule': MARKETING,
  'DELETE /v1/segments/:id/schedule': MARKETING,
  'POST /v1/segments/:id/push': MARKETING,
  'GET /v1/segments/:id/pushes': MARKETING,

  'GET /v1/dashboards': READ_DATA,
  'GET /v1/dashboards/:id': READ_DATA,
  'GET /v1/dashboards/:id/tiles/:tile': READ_DATA,
  'POST /v1/dashboards/:id/tiles/:tile/drill': READ_DATA,
  // Row-level records, like an ungrouped POST /v1/query: not for executives, whose pages show
  // aggregates and who may not list values beyond dashboard filters.
  'POST /v1/dashboards/:id/tiles/:tile/records': QUERY,
  'POST /v1/dashboards/:id/tiles/:tile/segment': MARKETING,
  // Saved dashboards: analysts and marketers make and change their own (the maker check is in
  // dashboards/saved/catalog.ts), admins all; executives view. Shipped files stay read-only.
  'POST /v1/dashboards': QUERY,
  'PUT /v1/dashboards/:id': QUERY,
  'DELETE /v1/dashboards/:id': QUERY,
  'GET /v1/dashboards/:id/yaml': READ_DATA,
  'POST /v1/dashboards/import': QUERY,

  // Saved questions: analysts and marketers make them, executives list and run them; only the
  // owner or an admin changes or deletes one (checked in the route).
  'GET /v1/questions': READ_DATA,
  'POST /v1/questions': QUERY,
  'GET /v1/questions/:id': READ_DATA,
  'PUT /v1/questions/:id': QUERY,
  'DELETE /v1/questions/:id': QUERY,
  'POST /v1/questions/:id/duplicate': QUERY,
  'POST /v1/questions/:id/run': READ_DATA,
  // Alerts: made by those who make questions; a check runs as the alert's owner.
  'GET /v1/alerts': READ_DATA,
  'POST /v1/alerts': QUERY,
  'GET /v1/alerts/:id': READ_DATA,
  'DELETE /v1/alerts/:id': QUERY,
  'POST /v1/alerts/:id/check': QUERY,
  'GET /v1/alerts/:id/history': READ_DATA,

  // Subscriptions: whoever reads dashboards may subscribe; the route shows each user their own
  // (admins all), and a delivery is composed under its owner's rules.
  'GET /v1/subscriptions': READ_DATA,
  'POST /v1/subscriptions': READ_DATA,
  'GET /v1/subscriptions/:id': READ_DATA,
  'PUT /v1/subscriptions/:id': READ_DATA,
  'DELETE /v1/subscriptions/:id': READ_DATA,
  'POST /v1/subscriptions/:id/send': READ_DATA,
  'GET /v1/subscriptions/:id/deliveries': READ_DATA,
  'GET /v1/deliveries/:id/files/:file': READ_DATA,

  'GET /v1/customers': QUERY,
  'GET /v1/customers/:id': QUERY,

  'GET /': 'public',
  'GET /dashboards': 'public',
  'GET /dashboards/:id': 'public',
  'GET /dashboards/new': 'public',
  'GET /dashboards/:id/edit': 'public',
  'GET /explore': 'public',
  'GET /insights': 'public',
  'GET /target-groups': 'public',
  'GET /questions': 'public',
  'GET /customers': 'public',
  'GET /customers/:id': 'public',
  'GET /assets/app.js': 'public',
  'GET /assets/app.css': 'public',
  'GET /assets/vendor/:file': 'public',
};

/** The permission of a route, HEAD reading GET's; undefined for a route the table lacks. */
export function permissionOf(method: string, url: string): Permission | undefined {
  const key = `${method} ${url}`;
  if (key in PERMISSIONS) return PERMISSIONS[key];
  if (method === 'HEAD') return PERMISSIONS[`GET ${url}`];
  return undefined;
}

/** Whether a role may call a route: admins always, others as the table says (default deny). */
export function allows(permission: Permission | undefined, role: Role): boolean {
  if (role === 'admin') return true;
  if (permission === undefined) return false;
  return permission === 'public' || permission.includes(role);
}
