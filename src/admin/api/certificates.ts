import { z } from 'zod';
import type { RevocationReason } from '../../../ca/types.js';
import type { Core } from '../../core/core.js';
import { CoreError } from '../../core/errors.js';
import type { CertificateSearch } from '../../core/ports.js';
import { certificateFile } from './downloads.js';
import { RawBody, route, type RouteSpec } from './route-table.js';
import { certificateView, dateQuery, listQuery, page, serialParams } from './schemas.js';
import { certificateOut } from './views.js';

/** RFC 5280 §5.3.1 reason names. */
const reasons = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

const filters = {
  q: z.string().max(200).optional().describe('Substring of the subject or a name'),
  serial: z.string().max(128).optional().describe('Serial number prefix (hex)'),
  assetId: z.string().optional(),
  profileId: z.string().optional(),
  requestId: z.string().optional(),
  status: z.enum(['valid', 'revoked']).optional(),
  purpose: z.enum(['enrollment', 'gateway-tls']).optional(),
  expiresBefore: dateQuery.optional(),
  expiresAfter: dateQuery.optional(),
};

const csvColumns = [
  'serialNumber',
  'subject',
  'dnsNames',
  'ipAddresses',
  'notBefore',
  'notAfter',
  'status',
  'revokedAt',
  'assetId',
  'profileId',
  'requestId',
] as const;

function csvCell(value: unknown): string {
  const text = Array.isArray(value)
    ? value.join(' ')
    : value instanceof Date
      ? value.toISOString()
      : String(value ?? '');
  // RFC 4180 quoting; a leading = + - @ is neutralised against spreadsheet formula injection.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

async function* exportLines(
  core: Core,
  filter: CertificateSearch,
  format: 'jsonl' | 'csv',
): AsyncGenerator<string> {
  if (format === 'csv') yield `${csvColumns.join(',')}\n`;
  let cursor: string | null = null;
  do {
    const p = await core.store.search.certificates({ ...filter, cursor, limit: 500 });
    for (const c of p.items) {
      yield format === 'csv'
        ? `${csvColumns.map((k) => csvCell(c[k])).join(',')}\n`
        : `${JSON.stringify(certificateOut(c))}\n`;
    }
    cursor = p.next;
  } while (cursor);
}

export function certificateRoutes(core: Core): RouteSpec[] {
  const load = async (serial: string) => {
    const c = await core.store.certificates.get(serial.replace(/:/g, '').toLowerCase());
    if (!c) throw new CoreError('not_found', 'No certificate with this serial number');
    return c;
  };
  return [
    route({
      method: 'get',
      path: '/certificates',
      operationId: 'listCertificates',
      summary: 'Certificate inventory: search by name, serial, asset, profile, expiry',
      tag: 'certificates',
      permission: 'certificates.read',
      query: listQuery(['createdAt', 'notAfter']).extend(filters),
      response: { status: 200, schema: page(certificateView) },
      handler: async ({ query }) => {
        const p = await core.store.search.certificates(query);
        return { items: p.items.map(certificateOut), next: p.next };
      },
    }),
    route({
      method: 'get',
      path: '/certificates/export',
      operationId: 'exportCertificates',
      summary: 'Export the inventory (same filters) as JSON lines or CSV',
      tag: 'certificates',
      permission: 'certificates.export',
      query: z.object({ ...filters, format: z.enum(['jsonl', 'csv']).default('jsonl') }),
      response: { status: 200, media: ['application/x-ndjson', 'text/csv'] },
      handler: async ({ query }) => {
        const { format, ...filter } = query;
        return new RawBody(
          format === 'csv' ? 'text/csv' : 'application/x-ndjson',
          exportLines(core, { ...filter, sort: 'createdAt' }, format),
          `certificates.${format}`,
        );
      },
    }),
    route({
      method: 'get',
      path: '/certificates/{serial}',
      operationId: 'getCertificate',
      summary: 'One certificate, with its PEM',
      tag: 'certificates',
      permission: 'certificates.read',
      params: serialParams,
      response: { status: 200, schema: certificateView.extend({ pem: z.string() }) },
      handler: async ({ params }) => load(params.serial),
    }),
    route({
      method: 'get',
      path: '/certificates/{serial}/download',
      operationId: 'downloadCertificate',
      summary: 'Download as PEM, DER, PKCS#7 (with chain) or a PEM chain',
      tag: 'certificates',
      permission: 'certificates.read',
      params: serialParams,
      query: z.object({ format: z.enum(['pem', 'der', 'p7b', 'chain']).default('pem') }),
      response: {
        status: 200,
        media: ['application/pem-certificate-chain', 'application/pkix-cert', 'application/pkcs7-mime'],
      },
      handler: async ({ params, query }) => {
        const c = await load(params.serial);
        return certificateFile(core, c.pem, c.serialNumber, query.format);
      },
    }),
    route({
      method: 'post',
      path: '/certificates/{serial}/revoke',
      operationId: 'revokeCertificate',
      summary: 'Revoke with a reason: listed on the next CRL and reported to ACME clients',
      tag: 'certificates',
      permission: 'certificates.revoke',
      params: serialParams,
      body: z.object({
        reason: z.enum(Object.keys(reasons) as [keyof typeof reasons, ...(keyof typeof reasons)[]]),
      }),
      response: { status: 200, schema: certificateView },
      errors: [409],
      handler: async ({ params, body, actor }) => {
        const c = await load(params.serial);
        const revoked = await core.revoke({
          serialNumber: c.serialNumber,
          reason: reasons[body.reason] as RevocationReason,
          actor,
        });
        return certificateOut(revoked);
      },
    }),
  ];
}
