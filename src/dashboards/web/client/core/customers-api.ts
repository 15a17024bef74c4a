import type { CustomerHit } from '../api-types';
import { getJson } from './api';

export async function searchCustomers(
  text: string,
  limit: number,
  signal?: AbortSignal,
): Promise<CustomerHit[]> {
  const q = new URLSearchParams({ search: text, limit: String(limit) });
  return (await getJson<{ data: CustomerHit[] }>(`/v1/customers?${q}`, signal)).data;
}
