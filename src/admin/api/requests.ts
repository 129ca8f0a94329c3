import { z } from 'zod';
import { fromPem } from '../../../ca/pki/pem.js';
import { resendApprovalNotification } from '../../core/approval/resend-notification.js';
import type { DecisionResult } from '../../core/approval/decide.js';
import { certsOnlyPkcs7 } from '../../core/certificates/pkcs7.js';
import type { Core } from '../../core/core.js';
import { parseCsr } from '../../core/csr/parse.js';
import { resendEnrollment } from '../../core/enrollment/resend-enrollment.js';
import { CoreError } from '../../core/errors.js';
import { addNote } from '../../core/notes/add-note.js';
import { confirmInstallation } from '../../core/p12/confirm-installation.js';
import { downloadP12 } from '../../core/p12/download-p12.js';
import { checkDomainPolicy } from '../../core/policy/domain-policy.js';
import { checkKeyPolicy } from '../../core/policy/key-policy.js';
import { changeQueueState } from '../../core/queue/change-queue-state.js';
import { queueStates } from '../../core/queue/queue-state.js';
import { enrollmentAnswer } from './enrollments.js';
import { RawBody, route, type RouteSpec } from './route-table.js';
import {
  approvalView,
  auditView,
  dateQuery,
  enrollmentResult,
  findingView,
  idParams,
  listQuery,
  noteView,
  page,
  protocol,
  requestStatus,
  requestView,
} from './schemas.js';
import { requestOut } from './views.js';

const statusList = z
  .union([requestStatus, z.string().regex(/^[a-z,]+$/)])
  .transform((s) => s.split(','))
  .pipe(z.array(requestStatus));

const listRequests = listQuery(['createdAt', 'updatedAt']).extend({
  status: statusList.optional().describe('One status or several, comma-separated'),
  protocol: protocol.optional(),
  profileId: z.string().optional(),
  assetId: z.string().optional(),
  requester: z.string().optional(),
  q: z.string().max(200).optional(),
  waitingFor: z.string().max(200).optional().describe('"me": pending requests the caller may still decide'),
  createdFrom: dateQuery.optional(),
  createdTo: dateQuery.optional(),
});

const decisionBody = z.object({ comment: z.string().max(2000).nullish() });
const rejectBody = z.object({ comment: z.string().min(1).max(2000) });
const formatQuery = z.object({ format: z.enum(['pem', 'der', 'p7b', 'chain']).default('pem') });

export function decisionView(result: DecisionResult) {
  if (result.outcome === 'issued') {
    return {
      outcome: result.outcome,
      request: requestOut(result.request),
      certificate: { serialNumber: result.certificate.serialNumber, pem: result.certificate.pem },
    };
  }
  return { ...result, request: requestOut(result.request) };
}

const decisionOut = z.object({
  outcome: z.enum(['recorded', 'rejected', 'issued']),
  request: requestView,
  approvals: z.number().optional(),
  approvalsNeeded: z.number().optional(),
  certificate: z.object({ serialNumber: z.string(), pem: z.string() }).optional(),
});

/** PEM, DER, PKCS#7 (certificate then chain) or PEM chain of a certificate. */
export function certificateFile(core: Core, pem: string, serial: string, format: string): RawBody {
  const chain = core.ca.caChain();
  switch (format) {
    case 'der':
      return new RawBody('application/pkix-cert', Buffer.from(fromPem(pem, 'CERTIFICATE')), `${serial}.cer`);
    case 'p7b':
      return new RawBody(
        'application/pkcs7-mime',
        certsOnlyPkcs7([pem, ...chain].map((p) => fromPem(p, 'CERTIFICATE'))),
        `${serial}.p7b`,
      );
    case 'chain':
      return new RawBody(
        'application/pem-certificate-chain',
        [pem, ...chain].join(''),
        `${serial}-chain.pem`,
      );
    default:
      return new RawBody('application/pem-certificate-chain', pem, `${serial}.pem`);
  }
}

export function requestRoutes(core: Core, options: { basePath: string }): RouteSpec[] {
  const load = async (id: string) => {
    const request = await core.store.requests.get(id);
    if (!request) throw new CoreError('not_found', 'No such enrolment request');
    return request;
  };
  const decide = (decision: 'approve' | 'reject') =>
    route({
      method: 'post',
      path: `/requests/{id}/${decision}`,
      operationId: `${decision}Request`,
      summary:
        decision === 'approve'
          ? 'Approve; the last needed approval issues (never by the requester)'
          : 'Reject with a reason (told to the requester)',
      tag: 'approvals',
      permission: 'requests.decide',
      params: idParams,
      body: decision === 'approve' ? decisionBody : rejectBody,
      response: { status: 200, schema: decisionOut },
      errors: [403, 409],
      handler: async ({ params, body, actor }) =>
        decisionView(
          await core.decide({ requestId: params.id, actor, decision, comment: body.comment ?? null }),
        ),
    });
  return [
    route({
      method: 'get',
      path: '/requests',
      operationId: 'listRequests',
      summary: 'Search requests: the approval queue is status=pending, "waiting for me" is waitingFor=me',
      tag: 'approvals',
      permission: 'requests.read',
      query: listRequests,
      response: { status: 200, schema: page(requestView) },
      handler: async ({ query, actor }) => {
        const p = await core.store.search.requests({
          ...query,
          waitingFor: query.waitingFor === 'me' ? actor : query.waitingFor,
        });
        return { items: p.items.map(requestOut), next: p.next };
      },
    }),
    route({
      method: 'post',
      path: '/requests/bulk-decision',
      operationId: 'bulkDecide',
      summary: 'Approve or reject many requests; one result per request',
      tag: 'approvals',
      permission: 'requests.decide',
      body: z.object({
        decision: z.enum(['approve', 'reject']),
        ids: z.array(z.string().min(1)).min(1).max(200),
        comment: z.string().max(2000).nullish(),
      }),
      response: {
        status: 200,
        schema: z.object({
          results: z.array(
            z.object({
              id: z.string(),
              ok: z.boolean(),
              outcome: z.string().optional(),
              error: z.object({ code: z.string(), message: z.string() }).optional(),
            }),
          ),
        }),
      },
      handler: async ({ body, actor }) => {
        const results = [];
        for (const id of [...new Set(body.ids)]) {
          try {
            const r = await core.decide({
              requestId: id,
              actor,
              decision: body.decision,
              comment: body.comment,
            });
            results.push({ id, ok: true, outcome: r.outcome });
          } catch (err) {
            if (!(err instanceof CoreError)) throw err;
            results.push({ id, ok: false, error: { code: err.code, message: err.message } });
          }
        }
        return { results };
      },
    }),
    route({
      method: 'get',
      path: '/requests/{id}',
      operationId: 'getRequest',
      summary: 'Request details: CSR contents, policy findings, approvals, notes, queue status, audit trail',
      tag: 'approvals',
      permission: 'requests.read',
      params: idParams,
      response: {
        status: 200,
        schema: requestView.extend({
          csr: z.object({
            pem: z.string(),
            subject: z.string(),
            dnsNames: z.array(z.string()),
            ipAddresses: z.array(z.string()),
            publicKey: z.record(z.string(), z.unknown()),
            signatureValid: z.boolean(),
          }),
          findings: z.array(findingView),
          approvals: z.array(approvalView),
          notes: z.array(noteView),
          queueState: z.string(),
          p12: z.record(z.string(), z.unknown()).nullable(),
          audit: z.array(auditView),
        }),
      },
      handler: async ({ params }) => {
        const request = await load(params.id);
        const csr = parseCsr(request.csrPem);
        const profile = await core.store.profiles.get(request.profileId);
        const findings = profile
          ? [
              ...checkKeyPolicy(profile.keyPolicy, csr.publicKey),
              ...checkDomainPolicy(profile.domainPolicy, request),
            ]
          : [];
        const [approvals, notes, queue, p12, audit] = await Promise.all([
          core.store.approvals.listFor(request.id),
          core.store.notes.list(request.id, { limit: 500 }),
          core.store.queueStates.get(request.id),
          core.store.p12Deliveries.get(request.id),
          core.store.search.audit({ requestId: request.id, limit: 500 }),
        ]);
        return {
          ...requestOut(request),
          csr: {
            pem: request.csrPem,
            subject: csr.subject,
            dnsNames: csr.dnsNames,
            ipAddresses: csr.ipAddresses,
            publicKey: csr.publicKey,
            signatureValid: csr.signatureValid,
          },
          findings,
          approvals: approvals.map(({ requestId: _r, ...a }) => a),
          notes: notes.items,
          queueState: request.status === 'pending' ? (queue?.state ?? 'new') : request.status,
          p12: p12
            ? {
                encryption: p12.encryption,
                keyAvailable: p12.keySealed !== null,
                keyExpiresAt: p12.keyExpiresAt,
                downloadedAt: p12.downloadedAt,
                installedAt: p12.installedAt,
                installedBy: p12.installedBy,
              }
            : null,
          audit: audit.items,
        };
      },
    }),
    decide('approve'),
    decide('reject'),
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
      handler: async ({ params, actor }) => {
        await resendApprovalNotification(core, { requestId: params.id, actor });
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
    route({
      method: 'get',
      path: '/requests/{id}/certificate',
      operationId: 'downloadRequestCertificate',
      summary: 'Download the issued certificate as PEM, DER, PKCS#7 (with chain) or a PEM chain',
      tag: 'enrollments',
      permission: 'requests.download',
      params: idParams,
      query: formatQuery,
      response: {
        status: 200,
        media: ['application/pem-certificate-chain', 'application/pkix-cert', 'application/pkcs7-mime'],
      },
      handler: async ({ params, query }) => {
        const request = await load(params.id);
        const certificate = request.certificateSerial
          ? await core.store.certificates.get(request.certificateSerial)
          : null;
        if (!certificate) {
          throw new CoreError('invalid_state', `No certificate yet: the request is ${request.status}`, {
            details: { status: request.status },
          });
        }
        return certificateFile(core, certificate.pem, certificate.serialNumber, query.format);
      },
    }),
    route({
      method: 'post',
      path: '/requests/{id}/p12',
      operationId: 'downloadP12',
      summary:
        'The one download of a P12 enrolment: the PKCS#12 (base64) and its generated password, shown this once',
      tag: 'enrollments',
      permission: 'p12.download',
      params: idParams,
      response: {
        status: 200,
        schema: z.object({
          fileName: z.string(),
          encryption: z.string(),
          password: z.string(),
          pkcs12: z.string().describe('base64 DER'),
        }),
      },
      errors: [403, 409],
      handler: async ({ params, actor }) => {
        const d = await downloadP12(core, { requestId: params.id, actor });
        return {
          fileName: d.fileName,
          encryption: d.encryption,
          password: d.password,
          pkcs12: d.pkcs12.toString('base64'),
        };
      },
    }),
    route({
      method: 'post',
      path: '/requests/{id}/confirm-installation',
      operationId: 'confirmInstallation',
      summary: 'Confirm that the downloaded PKCS#12 was installed',
      tag: 'enrollments',
      permission: 'p12.download',
      params: idParams,
      response: { status: 200, schema: z.object({ installedAt: z.string() }) },
      handler: ({ params, actor }) => confirmInstallation(core, { requestId: params.id, actor }),
    }),
  ];
}
