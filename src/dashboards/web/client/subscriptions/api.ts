import { getJson, postJson } from '../core/api';
import { authHeaders } from '../core/api-key';

/** Where a delivery goes (src/delivery/destinations.ts). */
export type Destination =
  | { kind: 'email'; to: string[] }
  | { kind: 'webhook'; url: string; format: 'json' | 'slack' };

export type SubscriptionTarget =
  | { dashboard: string; filters?: Record<string, unknown> }
  | { question: string };

/** A subscription as /v1/subscriptions answers it (src/delivery/subscriptions.ts). */
export interface Subscription {
  id: string;
  name: string;
  target: SubscriptionTarget;
  cron: string;
  timezone: string;
  destinations: Destination[];
  owner: { name: string };
  next_run: string | null;
}

export interface SubscriptionInput {
  name: string;
  target: SubscriptionTarget;
  cron: string;
  timezone: string;
  destinations: Destination[];
}

/** One row of the deliveries log (src/delivery/log.ts). */
export interface Delivery {
  delivery_id: string;
  status: string;
  destination: Destination;
  attempts: number;
  error: string | null;
  note: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface SendAnswer {
  deliveries: { status: string; error?: string }[];
}

const path = (id: string) => `/v1/subscriptions/${encodeURIComponent(id)}`;

export const subscriptionsApi = {
  list: () => getJson<{ data: Subscription[] }>('/v1/subscriptions'),
  create: (input: SubscriptionInput) => postJson<Subscription>('/v1/subscriptions', input),
  send: (id: string) => postJson<SendAnswer>(`${path(id)}/send`, {}),
  deliveries: (id: string) => getJson<{ data: Delivery[] }>(`${path(id)}/deliveries`),
  /** DELETE, which core/api has no helper for: a 204 on success. */
  async remove(id: string): Promise<void> {
    const r = await fetch(path(id), { method: 'DELETE', headers: authHeaders() });
    if (!r.ok) {
      const body = (await r.json().catch(() => ({}))) as { message?: string };
      throw new Error(body.message ?? `Delete failed (${r.status})`);
    }
  },
};

/** Where the list of one's subscriptions is. */
export const SUBSCRIPTIONS_URL = '/questions#subscriptions';
