import { RESPONSE_EVENTS } from '../../util/vocabulary';
import type { LandingContract } from './contract';
import { code, decimal, enumOf, required, str, ts } from './field';

export const campaignResponses: LandingContract = {
  name: 'campaign_responses',
  description: 'What each contacted (or held-out control) customer did in a campaign.',
  kind: 'fact',
  table: 'fact_campaign_responses',
  naturalKey: ['campaign_id', 'customer_id', 'event', 'occurred_at'],
  fields: {
    campaign_id: required(str()),
    customer_id: required(str()),
    event: required(enumOf(RESPONSE_EVENTS)),
    occurred_at: required(ts()),
    channel: code(),
    cost: decimal(0),
    group: enumOf(['target', 'control']),
  },
  defaults: { group: 'target' },
  references: [
    { dimension: 'campaign', field: 'campaign_id', keyColumn: 'campaign_key' },
    { dimension: 'customer', field: 'customer_id', keyColumn: 'customer_key', asOf: 'occurred_at' },
    { dimension: 'channel', field: 'channel', keyColumn: 'channel_key' },
  ],
  dateField: 'occurred_at',
  notStored: ['channel'],
};
