import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine';
import { addUser, listUsers, revokeUser } from '../auth/users';
import { parseInput } from '../validate';

export const AddUserSchema = z
  .object({
    name: z.string().min(1),
    role: z.string().min(1),
    /** What access rules read, e.g. {"region": "Western Europe"}. */
    attributes: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().min(1)).optional(),
  })
  .strict();

export interface UserRouteDeps {
  readonly engine: Engine;
  /** Forgets remembered keys, so a revoked one stops working at once. */
  forgetKeys(): void;
}

/**
 * Users and API keys for admins (the permission table allows no other role), so that keys can
 * be managed while the server holds the warehouse. Like `rapport users`, the key is shown once.
 */
export async function userRoutes(app: FastifyInstance, deps: UserRouteDeps): Promise<void> {
  app.get('/v1/users', async () => ({ data: await listUsers(deps.engine) }));
  app.post('/v1/users', async (request, reply) => {
    const input = parseInput(AddUserSchema, request.body, 'user');
    const { key, user } = await addUser(deps.engine, input);
    return reply.status(201).send({ ...user, key });
  });
  app.delete<{ Params: { name: string } }>('/v1/users/:name', async (request) => {
    const revoked = await revokeUser(deps.engine, request.params.name);
    deps.forgetKeys();
    return { revoked };
  });
}
