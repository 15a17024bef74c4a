import type { LandingContract } from './contract';
import { code, enumOf, required, str, ts } from './field';

/** Attributes whose change opens a new SCD2 version of the customer. */
export const CUSTOMER_TRACKED_ATTRIBUTES = ['type', 'industry', 'country', 'region', 'city'] as const;

export const customers: LandingContract = {
  name: 'customers',
  description: 'Customers (accounts and people). A change of type, industry or place opens a new version.',
  kind: 'scd2-dimension',
  table: 'dim_customer',
  naturalKey: ['customer_id'],
  fields: {
    customer_id: required(str()),
    name: str(),
    email: code(),
    phone: str(),
    type: enumOf(['b2b', 'b2c']),
    industry: code(),
    country: str(),
    region: str(),
    city: str(),
    signup_at: ts(),
    acquisition_channel: code(),
    birth_date: { type: 'date' },
    updated_at: ts(),
  },
};
