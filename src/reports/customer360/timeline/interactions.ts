import { customerFilter, memberRows } from '../cube-sql';
import { detailOf, label, num, str, type TimelineSource } from './entry';

/**
 * Calls, meetings, e-mails, chats, visits, ticket follow-ups and SMS, done, cancelled or planned.
 * Planned is the cube's `interactions.planned` (status planned; such interactions lie ahead).
 */
export const interactionEntries: TimelineSource = {
  kind: 'interaction',
  rows(ctx, customerId) {
    return memberRows(
      ctx,
      'interactions',
      [
        ['ref', 'interactions.interaction_id'],
        ['at', 'interactions.occurred_at'],
        ['type', 'interactions.kind'],
        ['status', 'interactions.status'],
        ['direction', 'interactions.direction'],
        ['channel', 'interactions.channel'],
        ['duration_s', 'interactions.duration_s'],
        ['outcome', 'interactions.outcome'],
        ['subject', 'interactions.subject'],
        ['employee', 'employees.name'],
        ['planned', 'interactions.planned'],
      ],
      [customerFilter('interactions', customerId)],
    );
  },
  entry(row) {
    const type = str(row['type']);
    const direction = str(row['direction']);
    const employee = str(row['employee']);
    const duration = num(row['duration_s']);
    return {
      at: String(row['at']),
      kind: 'interaction',
      title: `${label(type) ?? 'Interaction'}${direction ? ` (${direction})` : ''}`,
      detail: detailOf([
        str(row['subject']),
        employee && `with ${employee}`,
        str(row['channel']),
        str(row['outcome']),
        duration !== null && `${Math.round(duration / 60)} min`,
      ]),
      status: str(row['status']),
      amount: null,
      planned: row['planned'] !== null && row['planned'] !== undefined,
      ref: String(row['ref']),
      data: {
        type,
        direction,
        channel: str(row['channel']),
        duration_s: duration,
        outcome: str(row['outcome']),
        subject: str(row['subject']),
        employee,
      },
    };
  },
};
