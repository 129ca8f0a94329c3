import { z } from 'zod';
import { resendApprovalNotification } from '../../core/approval/resend-notification.js';
import type { Core } from '../../core/core.js';
import { resendEnrollment } from '../../core/enrollment/resend-enrollment.js';
import { addNote } from '../../core/notes/add-note.js';
import { changeQueueState } from '../../core/queue/change-queue-state.js';
import { queueStates } from '../../core/queue/queue-state.js';
import { enrollmentAnswer } from './enrollments.js';
import { loadRequest } from './lookups.js';
import { route, type RouteSpec } from './route-table.js';
import { auditView, enrollmentResult, idParams, listQuery, noteView, page } from './schemas.js';

/** TLM's actions on one enrolment besides the decision: status, resends, internal notes, audit trail. */
export function queueActionRoutes(
  core: Core,
  options: { basePath: string; notificationChannels: boolean },
): RouteSpec[] {
  const load = (id: string) => loadRequest(core, id);
  return [
    route({
      method: 'post',
      path: '/requests/{id}/status',
      operationId: 'changeRequestStatus',
      summary: 'Change the queue status of a pending request (new, in-progress, on-hold)',
      tag: 'approvals',
      permission: 'requests.manage',
      params: idParams,
      body: z.object({
        state: z.enum(queueStates as ['new', 'in-progress', 'on-hold']),
        comment: z.string().max(2000).optional(),
      }),
      response: {
        status: 200,
        schema: z.object({
          requestId: z.string(),
          state: z.string(),
          changedBy: z.string(),
          updatedAt: z.string(),
        }),
      },
      handler: ({ params, body, actor }) =>
        changeQueueState(core, { requestId: params.id, state: body.state, actor, comment: body.comment }),
    }),
    route({
      method: 'post',
      path: '/requests/{id}/resend-approval-notification',
      operationId: 'resendApprovalNotification',
      summary: 'Send the approval notification to the approvers again',
      tag: 'approvals',
      permission: 'requests.manage',
      params: idParams,
      response: { status: 202, schema: z.object({ queued: z.boolean() }) },
      errors: [409],
      handler: async ({ params, actor }) => {
        await resendApprovalNotification(core, {
          requestId: params.id,
          actor,
          channelsConfigured: options.notificationChannels,
        });
        return { queued: true };
      },
    }),
    route({
      method: 'post',
      path: '/requests/{id}/resend-enrollment',
      operationId: 'resendEnrollment',
      summary: 'Submit a rejected, expired or failed P10 request again as a new request',
      tag: 'approvals',
      permission: 'requests.manage',
      params: idParams,
      response: { status: 201, schema: enrollmentResult },
      handler: async ({ params, actor }) =>
        enrollmentAnswer(await resendEnrollment(core, { requestId: params.id, actor }), options.basePath),
    }),
    route({
      method: 'get',
      path: '/requests/{id}/notes',
      operationId: 'listRequestNotes',
      summary: 'Internal notes (admins only)',
      tag: 'approvals',
      permission: 'requests.read',
      params: idParams,
      query: listQuery(['createdAt']),
      response: { status: 200, schema: page(noteView) },
      handler: async ({ params, query }) => core.store.notes.list((await load(params.id)).id, query),
    }),
    route({
      method: 'post',
      path: '/requests/{id}/notes',
      operationId: 'addRequestNote',
      summary: 'Add an internal note',
      tag: 'approvals',
      permission: 'requests.note',
      params: idParams,
      body: z.object({ text: z.string().min(1).max(4000) }),
      response: { status: 201, schema: noteView },
      handler: ({ params, body, actor }) =>
        addNote(core, { requestId: params.id, author: actor, text: body.text }),
    }),
    route({
      method: 'get',
      path: '/requests/{id}/audit',
      operationId: 'listRequestAudit',
      summary: 'The audit trail of the request (and of its certificate)',
      tag: 'audit',
      permission: 'requests.read',
      params: idParams,
      query: listQuery(['seq']),
      response: { status: 200, schema: page(auditView) },
      handler: async ({ params, query }) =>
        core.store.search.audit({ ...query, requestId: (await load(params.id)).id }),
    }),
  ];
}
