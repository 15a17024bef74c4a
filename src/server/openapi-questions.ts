import { AlertInputSchema } from '../questions/alerts/types';
import { CreateQuestionSchema, DuplicateQuestionSchema, UpdateQuestionSchema } from '../questions/types';
import { jsonBody, pathParam, withErrors } from './openapi-parts';

/**
 * The OpenAPI paths of saved questions and alerts, kept beside openapi.ts (which spreads them
 * in) so the document's generator does not grow with every route group.
 */
export function questionPaths(errors: Record<string, unknown>): Record<string, unknown> {
  const schema = jsonBody;
  const id = pathParam;
  const ok = withErrors(errors);
  return {
    '/v1/questions': {
      get: {
        summary: 'Saved questions by name; ?search= keeps those whose name or description contains it',
        parameters: [{ name: 'search', in: 'query', required: false, schema: { type: 'string' } }],
        responses: ok('{data: [question]}'),
      },
      post: {
        summary: 'Save a question: a query (validated as POST /v1/query validates it) with chart settings',
        requestBody: schema(CreateQuestionSchema),
        responses: ok('the question', '201'),
      },
    },
    '/v1/questions/{id}': {
      get: { summary: 'One question', parameters: [id()], responses: ok('the question') },
      put: {
        summary: 'Change a question (its owner or an admin); fields left out stay',
        parameters: [id()],
        requestBody: schema(UpdateQuestionSchema),
        responses: ok('the question'),
      },
      delete: {
        summary: 'Delete a question with its alerts (its owner or an admin)',
        parameters: [id()],
        responses: ok('deleted', '204'),
      },
    },
    '/v1/questions/{id}/duplicate': {
      post: {
        summary: 'A copy owned by the caller, named "<name> (copy)" unless a name is given',
        parameters: [id()],
        requestBody: schema(DuplicateQuestionSchema),
        responses: ok('the copy', '201'),
      },
    },
    '/v1/questions/{id}/run': {
      post: {
        summary: "Run a question under the caller's row and member rules (Cube's load shape)",
        parameters: [id()],
        responses: ok('{question, query, data, annotation, …}'),
      },
    },
    '/v1/alerts': {
      get: { summary: 'The alerts with their current state', responses: ok('{data: [alert]}') },
      post: {
        summary:
          "Watch a question's value: above/below a threshold, outside its forecast band, or a change of more than X%",
        requestBody: schema(AlertInputSchema),
        responses: ok('the alert', '201'),
      },
    },
    '/v1/alerts/{id}': {
      get: { summary: 'One alert', parameters: [id()], responses: ok('the alert') },
      delete: {
        summary: 'Delete an alert with its history (its owner or an admin)',
        parameters: [id()],
        responses: ok('deleted', '204'),
      },
    },
    '/v1/alerts/{id}/check': {
      post: {
        summary: 'Check the alert now: records the check, sends when it newly crosses',
        parameters: [id()],
        responses: ok('the check'),
      },
    },
    '/v1/alerts/{id}/history': {
      get: {
        summary: 'Every check of the alert, newest first, with the ones that fired',
        parameters: [id()],
        responses: ok('{data: [check]}'),
      },
    },
  };
}
