import { WEB_EVENTS } from '../../util/vocabulary';
import type { LandingContract } from './contract';
import { code, integer, jsonObject, openName, required, str, ts } from './field';

export const webEvents: LandingContract = {
  name: 'web_events',
  description: 'Website and app events of known customers and anonymous visitors.',
  kind: 'fact',
  table: 'fact_web_events',
  naturalKey: ['event_id'],
  fields: {
    event_id: required(str()),
    occurred_at: required(ts()),
    // Any event a site records (`signup_completed`, `$pageview`); the known ones keep their meaning.
    event: required(openName(WEB_EVENTS)),
    customer_id: str(),
    anonymous_id: str(),
    session_id: str(),
    page: str(),
    product_sku: str(),
    search_query: str(),
    source: code(),
    medium: code(),
    campaign_id: str(),
    duration_s: integer(0),
    properties: jsonObject(
      'What the site recorded with the event, e.g. {"plan": "pro", "$browser": "Firefox"}',
    ),
  },
  rules: [
    {
      reason: 'missing_required',
      field: 'anonymous_id',
      message: 'an event needs a customer_id or an anonymous_id',
      sql: `"customer_id" IS NULL AND "anonymous_id" IS NULL`,
      test: (r) => r['customer_id'] == null && r['anonymous_id'] == null,
    },
  ],
  references: [
    { dimension: 'customer', field: 'customer_id', keyColumn: 'customer_key', asOf: 'occurred_at' },
    { dimension: 'product', field: 'product_sku', keyColumn: 'product_key' },
    { dimension: 'campaign', field: 'campaign_id', keyColumn: 'campaign_key' },
  ],
  dateField: 'occurred_at',
  notStored: ['product_sku', 'campaign_id'],
};
