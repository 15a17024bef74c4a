import { campaignResponses } from './campaign-responses';
import { campaigns } from './campaigns';
import type { LandingContract } from './contract';
import { customers } from './customers';
import { deals } from './deals';
import { employees } from './employees';
import { interactions } from './interactions';
import { orders } from './orders';
import { products } from './products';
import { tickets } from './tickets';
import { webEvents } from './web-events';

export { castValue } from './cast-js';
export type { ContractKind, DimensionRef, LandingContract } from './contract';
export { CUSTOMER_TRACKED_ATTRIBUTES } from './customers';
export type { FieldSpec, FieldType, RejectReason, RowRule } from './field';
export { REJECT_REASONS } from './field';
export { contractSchema } from './schema';

/** Every landing contract, in load order: dimensions before the facts that reference them. */
export const CONTRACTS: readonly LandingContract[] = [
  employees,
  products,
  customers,
  campaigns,
  orders,
  interactions,
  campaignResponses,
  webEvents,
  deals,
  tickets,
];

const BY_NAME = new Map(CONTRACTS.map((c) => [c.name, c]));

export function getContract(name: string): LandingContract | undefined {
  return BY_NAME.get(name);
}

export const CONTRACT_NAMES = CONTRACTS.map((c) => c.name);
