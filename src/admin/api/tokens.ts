import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { savePrincipal } from '../../core/principals/save-principal.js';
import { roles } from '../../core/tokens/token.js';
import { route, type RouteSpec } from './route-table.js';

const role = z.enum(roles as ['admin', 'operator', 'approver', 'auditor']);

export function tokenRoutes(core: Core): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/whoami',
      operationId: 'whoami',
      summary: 'The caller: subject, role and token (or console session) expiry',
      tag: 'tokens',
      permission: 'self.read',
      response: {
        status: 200,
        schema: z.object({
          subject: z.string(),
          role,
          expiresAt: z.string().nullable(),
          email: z.string().nullable(),
        }),
      },
      handler: async ({ caller, actor }) => ({
        subject: actor,
        role: caller?.role,
        expiresAt: caller?.expiresAt ?? null,
        email: (await core.store.principals.get(actor))?.email ?? null,
      }),
    }),
    route({
      method: 'post',
      path: '/tokens',
      operationId: 'createToken',
      summary: 'Create an API token for a user or service account (shown once; only its hash is stored)',
      tag: 'tokens',
      permission: 'tokens.manage',
      body: z.object({
        subject: z.string().min(1).max(200),
        role,
        ttlDays: z.number().int().min(1).max(3650).nullish(),
        email: z.email().nullish().describe('Where notifications for this user go'),
      }),
      response: {
        status: 201,
        schema: z.object({
          token: z.string(),
          id: z.string(),
          subject: z.string(),
          role,
          expiresAt: z.string().nullable(),
        }),
      },
      handler: async ({ body, actor }) => {
        const { token, record } = await core.createToken({
          subject: body.subject,
          role: body.role,
          actor,
          ttlDays: body.ttlDays,
        });
        await savePrincipal(core, { subject: record.subject, role: body.role, email: body.email, actor });
        return {
          token,
          id: record.id,
          subject: record.subject,
          role: record.role,
          expiresAt: record.expiresAt,
        };
      },
    }),
  ];
}
