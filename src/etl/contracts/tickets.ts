import type { LandingContract } from './contract';
import { code, enumOf, integer, required, str, ts } from './field';

export const tickets: LandingContract = {
  name: 'tickets',
  description: 'Customer service tickets.',
  kind: 'fact',
  table: 'fact_tickets',
  naturalKey: ['ticket_id'],
  fields: {
    ticket_id: required(str()),
    customer_id: required(str()),
    opened_at: required(ts()),
    category: code(),
    priority: enumOf(['low', 'normal', 'high', 'urgent']),
    channel: code(),
    resolved_at: ts(),
    first_response_at: ts(),
    satisfaction: integer(1, 5),
    employee_id: str(),
  },
  references: [
    { dimension: 'customer', field: 'customer_id', keyColumn: 'customer_key', asOf: 'opened_at' },
    { dimension: 'channel', field: 'channel', keyColumn: 'channel_key' },
    { dimension: 'employee', field: 'employee_id', keyColumn: 'employee_key' },
  ],
  dateField: 'opened_at',
  notStored: ['channel', 'employee_id'],
};
