import { DEAL_STAGES } from '../../util/vocabulary';
import type { LandingContract } from './contract';
import { code, decimal, enumOf, required, str, ts } from './field';

export const deals: LandingContract = {
  name: 'deals',
  description: 'One row per stage a sales deal enters.',
  kind: 'fact',
  table: 'fact_deal_stages',
  naturalKey: ['deal_id', 'stage', 'entered_at'],
  fields: {
    deal_id: required(str()),
    customer_id: required(str()),
    stage: required(enumOf(DEAL_STAGES)),
    entered_at: required(ts()),
    amount: decimal(0),
    probability: decimal(0, 1),
    employee_id: str(),
    closed: enumOf(['won', 'lost']),
    loss_reason: code(),
    expected_close_at: ts(),
  },
  references: [
    { dimension: 'customer', field: 'customer_id', keyColumn: 'customer_key', asOf: 'entered_at' },
    { dimension: 'employee', field: 'employee_id', keyColumn: 'employee_key' },
  ],
  dateField: 'entered_at',
  notStored: ['employee_id'],
};
