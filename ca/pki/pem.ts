/**
 * PEM armour (RFC 7468) for what the gateway itself writes and stores: the strict form on output
 * (§3: 64-character base64 lines), the first block of a known label on input. Untrusted CSR input
 * has its own stricter reader in src/core/csr/pem.ts.
 */

/** Encodes DER as a PEM block with the given label, in the strict form of RFC 7468 §3. */
export function toPem(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Decodes the first PEM block with the given label. Throws when there is none, so a stored value
 * of the wrong kind (a key where a certificate belongs) fails loudly rather than as odd ASN.1.
 */
export function fromPem(pem: string, label = '[A-Z0-9 ]+'): Uint8Array {
  const match = new RegExp(`-----BEGIN (${label})-----([A-Za-z0-9+/=\\s]*)-----END \\1-----`).exec(pem);
  if (!match?.[2]) {
    throw new Error(`expected a PEM block labelled "${label}"`);
  }
  return new Uint8Array(Buffer.from(match[2].replace(/\s+/g, ''), 'base64'));
}
