import { customerFilter, memberRows } from '../cube-sql';
import { detailOf, num, str, type TimelineSource } from './entry';

/**
 * One entry per stage a deal entered (the `deals` cube's rows): a deal runs for weeks or months,
 * and when it was qualified, proposed and won belong at their own places in the story. `ref`
 * is the deal id, so a client can gather a deal's stages.
 */
export const dealEntries: TimelineSource = {
  kind: 'deal',
  rows(ctx, customerId) {
    return memberRows(
      ctx,
      'deals',
      [
        ['ref', 'deals.deal_id'],
        ['at', 'deals.entered_at'],
        ['stage', 'deals.stage'],
        ['amount', 'deals.amount_value'],
        ['probability', 'deals.probability'],
        ['closed', 'deals.closed'],
        ['loss_reason', 'deals.loss_reason'],
        ['expected_close_at', 'deals.expected_close_at'],
        ['employee', 'employees.name'],
      ],
      [customerFilter('deals', customerId)],
    );
  },
  entry(row) {
    const stage = str(row['stage']);
    const probability = num(row['probability']);
    const expected = str(row['expected_close_at']);
    const closed = str(row['closed']);
    const employee = str(row['employee']);
    return {
      at: String(row['at']),
      kind: 'deal',
      title: `Deal ${row['ref']}: ${stage}`,
      detail: detailOf([
        probability !== null && closed === null && `${Math.round(probability * 100)}%`,
        expected !== null && closed === null && `expected close ${expected.slice(0, 10)}`,
        str(row['loss_reason']) && `lost: ${row['loss_reason']}`,
        employee && `by ${employee}`,
      ]),
      status: stage,
      amount: num(row['amount']),
      planned: false,
      ref: String(row['ref']),
      data: {
        stage,
        probability,
        closed,
        loss_reason: str(row['loss_reason']),
        expected_close_at: expected,
        employee,
      },
    };
  },
};
