import type { LandingContract } from './contract';
import { decimal, required, str, ts } from './field';

export const products: LandingContract = {
  name: 'products',
  description: 'The product catalogue.',
  kind: 'dimension',
  table: 'dim_product',
  naturalKey: ['sku'],
  fields: {
    sku: required(str()),
    name: str(),
    category: str(),
    subcategory: str(),
    brand: str(),
    unit_cost: decimal(0),
    updated_at: ts(),
  },
};
