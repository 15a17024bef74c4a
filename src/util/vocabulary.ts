/**
 * The fixed vocabularies of the landing contracts, shared by the loader (which validates them)
 * and the reports (which accept them as parameters).
 */
export const ORDER_STATUSES = ['completed', 'cancelled', 'returned'] as const;
export const RESPONSE_EVENTS = [
  'sent',
  'delivered',
  'opened',
  'clicked',
  'responded',
  'converted',
  'unsubscribed',
] as const;
export const WEB_EVENTS = [
  'visit',
  'page_view',
  'search',
  'view_product',
  'add_to_cart',
  'view_cart',
  'checkout',
  'purchase',
  'download',
] as const;
export const DEAL_STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export const INTERACTION_KINDS = ['call', 'meeting', 'email', 'chat', 'visit', 'ticket', 'sms'] as const;
