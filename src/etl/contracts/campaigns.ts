import type { LandingContract } from './contract';
import { code, decimal, enumOf, required, str, ts } from './field';

export const campaigns: LandingContract = {
  name: 'campaigns',
  description: 'Marketing campaigns with their costs.',
  kind: 'dimension',
  table: 'dim_campaign',
  naturalKey: ['campaign_id'],
  fields: {
    campaign_id: required(str()),
    name: required(str()),
    kind: enumOf(['email', 'sms', 'telemarketing', 'ads', 'social', 'event']),
    channel: code(),
    source: code(),
    starts_at: ts(),
    ends_at: ts(),
    budget: decimal(0),
    cost: decimal(0),
    target_segment: str(),
    updated_at: ts(),
  },
};
