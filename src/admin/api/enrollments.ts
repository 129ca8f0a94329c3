import { z } from 'zod';
import { parseDn } from '../../../ca/pki/names.js';
import type { Core } from '../../core/core.js';
import type { SubmitResult } from '../../core/enrollment/submit.js';
import { CoreError } from '../../core/errors.js';
import { enrollP12 } from '../../core/p12/enroll-p12.js';
import { parseCsr } from '../../core/csr/parse.js';
import { route, WithStatus, type RouteSpec } from './route-table.js';
import { enrollmentResult, nameList } from './schemas.js';
import { requestOut } from './views.js';

const common = {
  profile: z.string().min(1).describe('Profile id or name'),
  assetId: z.string().min(1).nullable().optional(),
  subject: z.string().max(1000).optional().describe('RFC 4514 subject replacing the CSR one'),
  dnsNames: nameList.optional().describe('DNS names, comma-separated or an array; replace the CSR ones'),
  ipAddresses: nameList.optional(),
  dryRun: z.boolean().optional().describe('Report what policy and approval would do; create nothing'),
};

const p10Body = z.object({
  ...common,
  csr: z.string().min(1).max(100_000).describe('PKCS#10 as PEM, or its DER in base64'),
});
const p12Body = z.object(common);

function checkSubject(subject: string | undefined): void {
  if (subject === undefined) return;
  try {
    parseDn(subject);
  } catch (cause) {
    throw new CoreError('invalid_input', `subject: ${cause instanceof Error ? cause.message : 'malformed'}`, {
      details: { field: 'subject' },
      cause,
    });
  }
}

function csrInput(text: string): string | Uint8Array {
  if (text.includes('-----BEGIN')) return text;
  if (!/^[A-Za-z0-9+/=_\-\s]+$/.test(text))
    throw new CoreError('bad_csr', 'The CSR is neither PEM nor base64 DER');
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
}

/** Maps the core's answer to the wire; a policy refusal is an error naming the rule and the name. */
export function enrollmentAnswer(result: SubmitResult, basePath: string) {
  switch (result.outcome) {
    case 'dry-run':
      return new WithStatus(200, result);
    case 'rejected':
      throw new CoreError(result.error.code, result.error.message, {
        details: { ...result.error.details, requestId: result.request?.id ?? null },
      });
    case 'pending':
      return new WithStatus(202, {
        outcome: 'pending',
        request: requestOut(result.request),
        approvalsNeeded: result.approvalsNeeded,
      });
    case 'issued': {
      const base = `${basePath}/requests/${result.request.id}`;
      return {
        outcome: 'issued',
        request: requestOut(result.request),
        certificate: {
          serialNumber: result.certificate.serialNumber,
          notAfter: result.certificate.notAfter,
          pem: result.certificate.pem,
        },
        downloads:
          result.request.protocol === 'p12'
            ? { pkcs12: `${base}/p12` }
            : {
                pem: `${base}/certificate?format=pem`,
                der: `${base}/certificate?format=der`,
                pkcs7: `${base}/certificate?format=p7b`,
              },
      };
    }
  }
}

export function enrollmentRoutes(
  core: Core,
  options: { p12KeyTtlMs: number; basePath: string },
): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/enrollments/p10',
      operationId: 'enrollP10',
      summary:
        'P10: submit a CSR for a profile (optionally for an asset), with operator edits of subject and names',
      tag: 'enrollments',
      permission: 'enroll',
      body: p10Body,
      response: {
        status: 201,
        schema: enrollmentResult,
        description: 'Issued (201), pending (202) or dry run (200)',
      },
      errors: [422],
      handler: async ({ body, actor }) => {
        checkSubject(body.subject);
        let dnsNames = body.dnsNames;
        // Enrolling from an asset prefills the names when neither the operator nor the CSR gives any.
        if (!dnsNames && body.assetId) {
          const asset = await core.store.assets.get(body.assetId);
          const csr = parseCsr(csrInput(body.csr));
          if (
            asset &&
            csr.dnsNames.length === 0 &&
            csr.ipAddresses.length === 0 &&
            asset.dnsNames.length > 0
          ) {
            dnsNames = asset.dnsNames;
          }
        }
        const result = await core.submit({
          protocol: 'p10',
          profile: body.profile,
          assetId: body.assetId ?? null,
          requester: actor,
          csr: csrInput(body.csr),
          subject: body.subject,
          dnsNames,
          ipAddresses: body.ipAddresses,
          dryRun: body.dryRun,
        });
        return enrollmentAnswer(result, options.basePath);
      },
    }),
    route({
      method: 'post',
      path: '/enrollments/p12',
      operationId: 'enrollP12',
      summary:
        'P12: the server generates the key per the profile key policy and issues (or waits for approval)',
      tag: 'enrollments',
      permission: 'enroll',
      body: p12Body,
      response: {
        status: 201,
        schema: enrollmentResult,
        description: 'Issued (201), pending (202) or dry run (200)',
      },
      errors: [422],
      handler: async ({ body, actor }) => {
        checkSubject(body.subject);
        const result = await enrollP12(core, {
          profile: body.profile,
          assetId: body.assetId ?? null,
          requester: actor,
          subject: body.subject,
          dnsNames: body.dnsNames,
          ipAddresses: body.ipAddresses,
          dryRun: body.dryRun,
          keyTtlMs: options.p12KeyTtlMs,
        });
        return enrollmentAnswer(result, options.basePath);
      },
    }),
  ];
}
