import { Router } from 'express';
import { fromPem } from '../../ca/pki/pem.js';
import type { CertificateAuthority } from '../../ca/types.js';

/** The URLs the local CA writes into certificates (RFC 5280 §4.2.1.13 CRL DP, §4.2.2.1 AIA caIssuers). */
export const pkiPaths = {
  crl: '/crl/issuing.crl',
  issuingCertificate: '/ca/issuing.crt',
  rootCertificate: '/ca/root.crt',
  chain: '/ca/chain.pem',
} as const;

/** CA certificates and the CRL, served over plain HTTP as RFC 5280 §8 expects of CRL and AIA URLs. */
export function pkiRoutes(ca: CertificateAuthority): Router {
  const router = Router();
  const chain = ca.caChain();
  const [issuing, root] = [chain[0] ?? '', chain.at(-1) ?? ''];
  router.get(pkiPaths.crl, async (_req, res) => {
    res
      .type('application/pkix-crl')
      .set('Cache-Control', 'public, max-age=60')
      .send(Buffer.from(await ca.crl()));
  });
  // RFC 2585 §3: DER certificates as application/pkix-cert.
  router.get(pkiPaths.issuingCertificate, (_req, res) => {
    res.type('application/pkix-cert').send(Buffer.from(fromPem(issuing, 'CERTIFICATE')));
  });
  router.get(pkiPaths.rootCertificate, (_req, res) => {
    res.type('application/pkix-cert').send(Buffer.from(fromPem(root, 'CERTIFICATE')));
  });
  router.get(pkiPaths.chain, (_req, res) => {
    res.type('application/pem-certificate-chain').send(chain.join(''));
  });
  return router;
}
