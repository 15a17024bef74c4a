import { INTERACTION_KINDS } from '../../util/vocabulary';
import type { LandingContract } from './contract';
import { code, enumOf, integer, required, str, ts } from './field';

export const interactions: LandingContract = {
  name: 'interactions',
  description: 'Calls, meetings, e-mails and other contacts, done or planned.',
  kind: 'fact',
  table: 'fact_interactions',
  naturalKey: ['interaction_id'],
  fields: {
    interaction_id: required(str()),
    customer_id: required(str()),
    occurred_at: required(ts()),
    kind: required(enumOf(INTERACTION_KINDS)),
    status: enumOf(['done', 'planned', 'cancelled']),
    direction: enumOf(['inbound', 'outbound']),
    channel: code(),
    duration_s: integer(0),
    outcome: str(),
    employee_id: str(),
    subject: str(),
  },
  defaults: { status: 'done' },
  references: [
    { dimension: 'customer', field: 'customer_id', keyColumn: 'customer_key', asOf: 'occurred_at' },
    { dimension: 'channel', field: 'channel', keyColumn: 'channel_key' },
    { dimension: 'employee', field: 'employee_id', keyColumn: 'employee_key' },
  ],
  dateField: 'occurred_at',
  notStored: ['channel', 'employee_id'],
};
