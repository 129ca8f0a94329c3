import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { route, type RouteSpec } from './route-table.js';
import { listQuery, page } from './schemas.js';

const deliveryView = z.object({
  id: z.string(),
  eventId: z.string(),
  channel: z.enum(['email', 'webhook']),
  recipient: z.string(),
  status: z.enum(['pending', 'sent', 'dead']),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});

export function notificationRoutes(core: Core): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/notifications/deliveries',
      operationId: 'listDeliveries',
      summary: 'Notification deliveries (email, webhook) with their attempts: newest first',
      tag: 'notifications',
      permission: 'notifications.read',
      query: listQuery(['createdAt']).extend({
        status: z.enum(['pending', 'sent', 'dead']).optional(),
        eventId: z.string().optional(),
      }),
      response: { status: 200, schema: page(deliveryView) },
      handler: ({ query }) => core.store.outbox.listDeliveries(query),
    }),
  ];
}
