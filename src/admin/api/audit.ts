import { z } from 'zod';
import { exportAudit } from '../../core/audit/export.js';
import type { Core } from '../../core/core.js';
import { RawBody, route, type RouteSpec } from './route-table.js';
import { auditView, dateQuery, listQuery, page } from './schemas.js';

const filters = {
  requestId: z.string().optional(),
  assetId: z.string().optional(),
  profileId: z.string().optional(),
  actor: z.string().optional(),
  action: z.string().optional(),
  targetType: z.string().optional(),
  targetId: z.string().optional(),
  from: dateQuery.optional(),
  to: dateQuery.optional(),
};

export function auditRoutes(core: Core): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/audit',
      operationId: 'queryAudit',
      summary: 'Query the audit log by request, asset, profile, actor, action and time',
      tag: 'audit',
      permission: 'audit.read',
      query: listQuery(['seq']).extend(filters),
      response: { status: 200, schema: page(auditView) },
      handler: ({ query }) => core.store.search.audit(query),
    }),
    route({
      method: 'get',
      path: '/audit/export',
      operationId: 'exportAudit',
      summary:
        'Export as JSON lines, the format `enrollment-gateway audit verify --file` checks (an unfiltered or time-sliced export is a contiguous chain)',
      tag: 'audit',
      permission: 'audit.read',
      query: z.object(filters),
      response: { status: 200, media: ['application/x-ndjson'] },
      handler: async ({ query }) =>
        new RawBody('application/x-ndjson', exportAudit(core.store, query), 'audit.jsonl'),
    }),
    route({
      method: 'get',
      path: '/audit/verify',
      operationId: 'verifyAudit',
      summary: 'Verify the hash chain of the stored log; points at the first broken link',
      tag: 'audit',
      permission: 'audit.read',
      response: {
        status: 200,
        schema: z.object({
          ok: z.boolean(),
          events: z.number(),
          lastHash: z.string().optional(),
          brokenAt: z.number().optional(),
          problem: z.string().optional(),
        }),
      },
      handler: () => core.verifyAuditChain(),
    }),
  ];
}
