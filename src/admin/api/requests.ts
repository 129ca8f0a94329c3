import { z } from 'zod';
import type { DecisionResult } from '../../core/approval/decide.js';
import type { Core } from '../../core/core.js';
import { parseCsr } from '../../core/csr/parse.js';
import { CoreError } from '../../core/errors.js';
import { checkDomainPolicy } from '../../core/policy/domain-policy.js';
import { checkKeyPolicy } from '../../core/policy/key-policy.js';
import { loadRequest } from './lookups.js';
import { route, type RouteSpec } from './route-table.js';
import {
  approvalView,
  auditView,
  dateQuery,
  findingView,
  idParams,
  listQuery,
  noteView,
  page,
  protocol,
  requestKind,
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
  kind: requestKind.optional(),
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
// The core refuses a rejection without a reason, with one message for this route and bulk-decision.
const rejectBody = z.object({
  comment: z.string().max(2000).nullish().describe('Required: the reason the requester is told'),
});

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
  outcome: z.enum(['recorded', 'rejected', 'issued', 'approved']),
  request: requestView,
  approvals: z.number().optional(),
  approvalsNeeded: z.number().optional(),
  certificate: z.object({ serialNumber: z.string(), pem: z.string() }).optional(),
});

/** The approval queue: search, details, decisions one by one or in bulk. */
export function requestRoutes(core: Core): RouteSpec[] {
  const load = (id: string) => loadRequest(core, id);
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
          csr: z
            .object({
              pem: z.string(),
              subject: z.string(),
              dnsNames: z.array(z.string()),
              ipAddresses: z.array(z.string()),
              publicKey: z.object({
                algorithm: z.enum(['rsa', 'ec', 'ed25519', 'other']),
                rsaBits: z.number().int().optional(),
                curve: z.enum(['P-256', 'P-384', 'P-521']).optional(),
                spkiDer: z.string().describe('The DER SubjectPublicKeyInfo, base64'),
              }),
              signatureValid: z.boolean(),
            })
            .nullable()
            .describe('null for an account registration'),
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
        const csr = request.kind === 'certificate' ? parseCsr(request.csrPem) : null;
        const profile = await core.store.profiles.get(request.profileId);
        const findings =
          profile && csr
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
          csr: csr && {
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
  ];
}
