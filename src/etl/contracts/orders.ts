import { ORDER_STATUSES } from '../../util/vocabulary';
import type { LandingContract } from './contract';
import { code, decimal, enumOf, integer, required, str, ts } from './field';

export const orders: LandingContract = {
  name: 'orders',
  description: 'One row per order line.',
  kind: 'fact',
  table: 'fact_order_lines',
  naturalKey: ['order_id', 'line_no'],
  fields: {
    order_id: required(str()),
    line_no: integer(1, undefined, 'Position in the order; derived from source order when not mapped'),
    customer_id: str('Missing for guest orders'),
    sku: str(),
    product_name: str(),
    quantity: required(decimal()),
    unit_price: required(decimal(0)),
    discount: decimal(0, 1, 'Share of the line price, 0..1'),
    status: enumOf(ORDER_STATUSES),
    currency: str(),
    channel: code(),
    country: str(),
    campaign_id: str(),
    employee_id: str(),
    ordered_at: required(ts()),
    due_at: ts(),
    paid_at: ts(),
    updated_at: ts(),
  },
  defaults: { status: 'completed', discount: '0' },
  rules: [
    {
      reason: 'negative_quantity',
      field: 'quantity',
      message: 'a completed line must not have a negative quantity',
      sql: `"quantity" < 0 AND "status" = 'completed'`,
      test: (r) => Number(r['quantity']) < 0 && r['status'] === 'completed',
    },
  ],
  references: [
    { dimension: 'customer', field: 'customer_id', keyColumn: 'customer_key', asOf: 'ordered_at' },
    { dimension: 'product', field: 'sku', keyColumn: 'product_key', nameField: 'product_name' },
    { dimension: 'channel', field: 'channel', keyColumn: 'channel_key' },
    { dimension: 'geography', field: 'country', keyColumn: 'geography_key' },
    { dimension: 'campaign', field: 'campaign_id', keyColumn: 'campaign_key' },
    { dimension: 'employee', field: 'employee_id', keyColumn: 'employee_key' },
  ],
  dateField: 'ordered_at',
  computed: {
    revenue: `CAST(round("quantity" * "unit_price" * (1 - "discount"), 4) AS DECIMAL(18, 4))`,
  },
  notStored: ['sku', 'channel', 'country', 'campaign_id', 'employee_id'],
};
