/** Console users: listed, created and changed by admins (the CLI's `user create` does the same). */
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import type { ConsoleUser } from '../../core/console-users/console-user.js';
import { minPasswordLength } from '../../core/console-users/password.js';
import { roles } from '../../core/tokens/token.js';
import { route, type RouteSpec } from './route-table.js';
import { idParams, listQuery, page } from './schemas.js';
import { clientAddressOf } from './session-cookie.js';

const role = z.enum(roles as ['admin', 'operator', 'approver', 'auditor']);
const date = z.string().describe('ISO 8601 date-time');
const password = z
  .string()
  .max(1024)
  .describe(`At least ${minPasswordLength} characters; only its scrypt hash is stored`);

const userView = z.object({
  id: z.string(),
  username: z.string(),
  role,
  email: z.string().optional(),
  disabled: z.boolean(),
  lockedUntil: date.nullable().describe('Set while sign-in is refused after repeated failures'),
  lastSignInAt: date.nullable(),
  createdAt: date,
  updatedAt: date,
});

function userOut(user: ConsoleUser, now: Date): z.output<typeof userView> {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    ...(user.email ? { email: user.email } : {}),
    disabled: user.disabled,
    lockedUntil: user.lockedUntil && user.lockedUntil > now ? user.lockedUntil.toISOString() : null,
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export function consoleUserRoutes(core: Core): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/console-users',
      operationId: 'listConsoleUsers',
      summary: 'List console users (never a password or its hash)',
      tag: 'console-users',
      permission: 'users.manage',
      query: listQuery(['createdAt']).omit({ sort: true, order: true }),
      response: { status: 200, schema: page(userView) },
      handler: async ({ query }) => {
        const found = await core.listConsoleUsers({ limit: query.limit, cursor: query.cursor });
        const now = core.clock.now();
        return { items: found.items.map((u) => userOut(u, now)), next: found.next };
      },
    }),
    route({
      method: 'post',
      path: '/console-users',
      operationId: 'createConsoleUser',
      summary: 'Create a console user; without a password one is generated and returned once',
      tag: 'console-users',
      permission: 'users.manage',
      body: z.object({
        username: z.string().min(1).max(256).describe('NFKC-normalised; unique regardless of case'),
        role,
        email: z.email().nullish().describe('Where notifications for this user go'),
        password: password.nullish(),
      }),
      response: {
        status: 201,
        schema: userView.extend({
          initialPassword: z.string().optional().describe('The generated password, shown this once'),
        }),
      },
      errors: [409],
      handler: async ({ body, actor, req }) => {
        const { user, initialPassword } = await core.createConsoleUser({
          ...body,
          actor,
          clientAddress: clientAddressOf(req),
        });
        return {
          ...userOut(user, core.clock.now()),
          ...(initialPassword ? { initialPassword } : {}),
        };
      },
    }),
    route({
      method: 'patch',
      path: '/console-users/{id}',
      operationId: 'changeConsoleUser',
      summary:
        'Change a console user: role, email (null clears it), disabled, password. Disabling or a new ' +
        'password ends their sessions; a new password also lifts a lockout',
      tag: 'console-users',
      permission: 'users.manage',
      params: idParams,
      body: z.object({
        role: role.optional(),
        email: z.email().nullish(),
        disabled: z.boolean().optional(),
        password: password.optional(),
      }),
      response: { status: 200, schema: userView },
      handler: async ({ params, body, actor, req }) => {
        const user = await core.changeConsoleUser({
          id: params.id,
          role: body.role,
          email: body.email,
          disabled: body.disabled,
          password: body.password,
          actor,
          clientAddress: clientAddressOf(req),
        });
        return userOut(user, core.clock.now());
      },
    }),
  ];
}
