/**
 * What GetCACert answers one client (RFC 8894 §4.2.1). With an RA, the standard answer is a
 * degenerate PKCS#7 of the RA certificate and the CA chain (§4.2.1.2): Cisco IOS and certmonger take
 * the CA from it, Apple and Windows pick the RA by its keyEncipherment usage. Clients built on
 * micromdm/scep's library (its `scepclient` included) instead encrypt the request to every
 * certificate of the answer unless told one (`-ca-fingerprint`), and their PKCS#7 library
 * (go.mozilla.org/pkcs7) can only encrypt to RSA keys: it panics on the issuing and root CA when
 * they are ECDSA, the default. Such a client gets the RA certificate alone (§4.2.1.1), which is all
 * it uses: the recipient of its request and the signer of the CertRep it verifies.
 *
 * step-ca leaves the same choice to the operator (`excludeIntermediate` on the SCEP provisioner) and
 * advises an RSA chain; micromdm's scepserver and NDES have an RSA CA or RA only. Here `auto`, the
 * default, decides per request, so neither kind of client needs the operator.
 */
import type { ScepSettings } from '../../src/core/profiles/profile.js';

export type CaCertAnswer = 'ra-chain' | 'ra-only';

/**
 * Go's net/http default User-Agent, which micromdm/scep's client sends: the library's default
 * recipient selector keeps every certificate (scep.NopCertsSelector).
 */
const encryptsToEveryCertificate: readonly RegExp[] = [/^Go-http-client\//];

export function caCertAnswer(
  format: ScepSettings['caCertFormat'],
  /** Whether every certificate of the chain has an RSA key, so that any client can encrypt to all. */
  chainIsRsa: boolean,
  userAgent: string | undefined,
): CaCertAnswer {
  if (format !== 'auto') return format;
  if (chainIsRsa || !userAgent) return 'ra-chain';
  return encryptsToEveryCertificate.some((pattern) => pattern.test(userAgent)) ? 'ra-only' : 'ra-chain';
}
