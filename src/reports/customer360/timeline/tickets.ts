import { customerFilter, memberRows } from '../cube-sql';
import { detailOf, hours, num, str, type TimelineSource } from './entry';

/** One entry per ticket, at its opening: category, channel, response and resolution times, rating. */
export const ticketEntries: TimelineSource = {
  kind: 'ticket',
  rows(ctx, customerId) {
    return memberRows(
      ctx,
      'tickets',
      [
        ['ref', 'tickets.ticket_id'],
        ['at', 'tickets.opened_at'],
        ['category', 'tickets.category'],
        ['priority', 'tickets.priority'],
        ['channel', 'tickets.channel'],
        ['first_response_at', 'tickets.first_response_at'],
        ['resolved_at', 'tickets.resolved_at'],
        // The cube's averages are means of these per-ticket hours.
        ['first_response_hours', 'tickets.average_first_response_hours'],
        ['resolution_hours', 'tickets.average_resolution_hours'],
        ['satisfaction', 'tickets.satisfaction'],
        ['open', 'tickets.is_open'],
        ['employee', 'employees.name'],
      ],
      [customerFilter('tickets', customerId)],
    );
  },
  entry(row) {
    const category = str(row['category']);
    // A condition: true on DuckDB, 1 on ClickHouse (whose comparisons give UInt8).
    const open = row['open'] === true || row['open'] === 1;
    const firstResponse = num(row['first_response_hours']);
    const resolution = num(row['resolution_hours']);
    const satisfaction = num(row['satisfaction']);
    const employee = str(row['employee']);
    return {
      at: String(row['at']),
      kind: 'ticket',
      title: `Ticket ${row['ref']}${category ? `: ${category}` : ''}`,
      detail: detailOf([
        str(row['priority']),
        str(row['channel']),
        firstResponse !== null && `first response ${hours(firstResponse)}`,
        open ? 'open' : resolution !== null && `resolved in ${hours(resolution)}`,
        satisfaction !== null && `rated ${satisfaction}/5`,
        employee && `by ${employee}`,
      ]),
      status: open ? 'open' : 'resolved',
      amount: null,
      planned: false,
      ref: String(row['ref']),
      data: {
        category,
        priority: str(row['priority']),
        channel: str(row['channel']),
        first_response_at: str(row['first_response_at']),
        resolved_at: str(row['resolved_at']),
        first_response_hours: firstResponse,
        resolution_hours: resolution,
        satisfaction,
        employee,
      },
    };
  },
};
