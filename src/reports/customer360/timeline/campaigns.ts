import { customerFilter, memberRows } from '../cube-sql';
import { detailOf, label, num, str, type TimelineSource } from './entry';

/**
 * One entry per campaign response (sent, delivered, opened, clicked, responded, converted,
 * unsubscribed). A control-group member's `sent` means held out, never contacted: said so.
 */
export const campaignEntries: TimelineSource = {
  kind: 'campaign',
  rows(ctx, customerId) {
    return memberRows(
      ctx,
      'campaign_responses',
      [
        ['ref', 'campaign_responses.campaign_id'],
        ['at', 'campaign_responses.occurred_at'],
        ['event', 'campaign_responses.event'],
        ['response_group', 'campaign_responses.group'],
        ['cost', 'campaign_responses.cost_value'],
        ['campaign', 'campaigns.name'],
        ['campaign_kind', 'campaigns.kind'],
        ['channel', 'channels.channel'],
      ],
      [customerFilter('campaign_responses', customerId)],
    );
  },
  entry(row) {
    const event = str(row['event']);
    const group = str(row['response_group']);
    const campaign = str(row['campaign']) ?? String(row['ref']);
    return {
      at: String(row['at']),
      kind: 'campaign',
      title: `${campaign}: ${label(event)}`,
      detail: detailOf([
        str(row['campaign_kind']),
        str(row['channel']),
        group === 'control' && 'control group (held out, not contacted)',
      ]),
      status: event,
      // What the contact cost is marketing's spend, not money of the customer's: in data only.
      amount: null,
      planned: false,
      ref: String(row['ref']),
      data: {
        campaign,
        event,
        group,
        campaign_kind: str(row['campaign_kind']),
        channel: str(row['channel']),
        cost: num(row['cost']),
      },
    };
  },
};
