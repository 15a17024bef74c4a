import { SubscriptionSchema, SubscriptionUpdateSchema } from '../delivery/subscriptions';
import { jsonBody, pathParam, withErrors } from './openapi-parts';

/** The OpenAPI paths of subscriptions and their deliveries, spread into openapi.ts. */
export function subscriptionPaths(errors: Record<string, unknown>): Record<string, unknown> {
  const schema = jsonBody;
  const id = pathParam;
  const ok = withErrors(errors);
  return {
    '/v1/subscriptions': {
      get: {
        summary: "Subscriptions: the caller's own (admins: all)",
        responses: ok('{data: [subscription]}'),
      },
      post: {
        summary:
          'Subscribe to a dashboard (with filter values) or a saved question on a cron schedule in an IANA time zone, to e-mail and webhook destinations; a bad cron or zone is a 400 naming which',
        requestBody: schema(SubscriptionSchema),
        responses: ok('the subscription with next_run', '201'),
      },
    },
    '/v1/subscriptions/{id}': {
      get: { summary: 'One subscription', parameters: [id()], responses: ok('subscription') },
      put: {
        summary: 'Change any of its fields (the owner stays)',
        parameters: [id()],
        requestBody: schema(SubscriptionUpdateSchema),
        responses: ok('subscription'),
      },
      delete: {
        summary: 'Delete it (its deliveries stay logged)',
        parameters: [id()],
        responses: ok('deleted', '204'),
      },
    },
    '/v1/subscriptions/{id}/send': {
      post: {
        summary:
          "Deliver now, composed under the owner's rules: one outcome per destination (sent, retrying, failed)",
        parameters: [id()],
        responses: ok('{subscription, deliveries: [{deliveryId, status, attempts, error?, nextAttemptAt?}]}'),
      },
    },
    '/v1/subscriptions/{id}/deliveries': {
      get: {
        summary:
          'The deliveries log of a subscription, newest first: status, attempts, next attempt, error, files',
        parameters: [id()],
        responses: ok('{data: [delivery]}'),
      },
    },
    '/v1/deliveries/{id}/files/{file}': {
      get: {
        summary: "A delivery's attached file (the PNG a webhook links to, the PDF, a CSV)",
        parameters: [id(), id('file')],
        responses: {
          '200': {
            description: 'the file',
            content: {
              'image/png': { schema: { type: 'string', format: 'binary' } },
              'application/pdf': { schema: { type: 'string', format: 'binary' } },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          ...errors,
        },
      },
    },
  };
}
