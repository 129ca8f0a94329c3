import { z } from 'zod';
import { fromPem } from '../../../ca/pki/pem.js';
import { certsOnlyPkcs7 } from '../../core/certificates/pkcs7.js';
import type { Core } from '../../core/core.js';
import { CoreError } from '../../core/errors.js';
import { confirmInstallation } from '../../core/p12/confirm-installation.js';
import { downloadP12 } from '../../core/p12/download-p12.js';
import { loadRequest } from './lookups.js';
import { RawBody, route, type RouteSpec } from './route-table.js';
import { idParams } from './schemas.js';

const formatQuery = z.object({ format: z.enum(['pem', 'der', 'p7b', 'chain']).default('pem') });

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

/** Downloads of an enrolment: the certificate in four formats, the one-time PKCS#12, installation. */
export function downloadRoutes(core: Core): RouteSpec[] {
  const load = (id: string) => loadRequest(core, id);
  return [
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
