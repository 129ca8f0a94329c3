/**
 * Builds a PKCS#12 (RFC 7292) holding one private key and its certificate chain, the way OpenSSL 3
 * does by default: key and certificates encrypted with PBES2 (RFC 8018 §6.2) using PBKDF2 with
 * HMAC-SHA-256 and AES-256-CBC, integrity by an HMAC-SHA-256 MAC (RFC 7292 §4 and Appendix B).
 * `legacy-3des` uses pbeWithSHAAnd3-KeyTripleDES-CBC and a SHA-1 MAC for importers that predate
 * PBES2 (older Windows, Java 8, many network devices).
 */
import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import type { P12Encryption } from './delivery.js';
import { bmpPassword, pkcs12Kdf } from './pkcs12-kdf.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha1: '1.3.14.3.2.26',
  keyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

export interface Pkcs12Input {
  /** PKCS#8 DER of the private key. */
  privateKeyDer: Uint8Array;
  /** DER of the end-entity certificate. */
  certificateDer: Uint8Array;
  /** DER of the issuing chain, issuing CA first. */
  chainDer: Uint8Array[];
  password: string;
  friendlyName?: string;
  encryption?: P12Encryption;
  /** PBKDF2 iterations for PBES2 (default 100 000); the legacy scheme and the MAC use 2048. */
  iterations?: number;
}

const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
const octets = (value: Uint8Array) => new asn1js.OctetString({ valueHex: value });
const int = (value: number) => new asn1js.Integer({ value });
const seq = (...value: asn1js.AsnType[]) => new asn1js.Sequence({ value });
const explicit0 = (inner: asn1js.AsnType) =>
  new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [inner] });
const der = (value: asn1js.AsnType) => Buffer.from(value.toBER(false));

interface Encrypted {
  algorithm: asn1js.Sequence;
  ciphertext: Buffer;
}

/** RFC 8018 §6.2 PBES2: PBKDF2-HMAC-SHA256 (password as UTF-8, as OpenSSL does) and AES-256-CBC. */
function pbes2(plain: Buffer, password: string, iterations: number): Encrypted {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  const algorithm = seq(
    oid(OID.pbes2),
    seq(
      seq(
        oid(OID.pbkdf2),
        seq(octets(salt), int(iterations), seq(oid(OID.hmacWithSha256), new asn1js.Null())),
      ),
      seq(oid(OID.aes256Cbc), octets(iv)),
    ),
  );
  return { algorithm, ciphertext };
}

/** RFC 7292 Appendix C pbeWithSHAAnd3-KeyTripleDES-CBC, key and IV from the Appendix B KDF. */
function pbe3Des(plain: Buffer, password: string, iterations: number): Encrypted {
  const salt = randomBytes(8);
  const bmp = bmpPassword(password);
  const key = pkcs12Kdf('sha1', bmp, salt, 1, iterations, 24);
  const iv = pkcs12Kdf('sha1', bmp, salt, 2, iterations, 8);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { algorithm: seq(oid(OID.pbeSha3Des), seq(octets(salt), int(iterations))), ciphertext };
}

function bagAttributes(localKeyId: Buffer, friendlyName: string | undefined): asn1js.Set {
  const attributes: asn1js.AsnType[] = [
    seq(oid(OID.localKeyId), new asn1js.Set({ value: [octets(localKeyId)] })),
  ];
  if (friendlyName) {
    attributes.push(
      seq(oid(OID.friendlyName), new asn1js.Set({ value: [new asn1js.BmpString({ value: friendlyName })] })),
    );
  }
  return new asn1js.Set({ value: attributes });
}

/** Returns the DER of the PFX. */
export function buildPkcs12(input: Pkcs12Input): Buffer {
  const encryption = input.encryption ?? 'aes-256';
  const legacy = encryption === 'legacy-3des';
  const iterations = legacy ? 2048 : (input.iterations ?? 100_000);
  const encrypt = (plain: Buffer) =>
    legacy ? pbe3Des(plain, input.password, iterations) : pbes2(plain, input.password, iterations);
  // localKeyId ties the key bag to its certificate bag (RFC 7292 §4.2, PKCS#9 §5.5.1).
  const localKeyId = createHash('sha1').update(input.certificateDer).digest();

  const certBag = (certDer: Uint8Array, attributes?: asn1js.Set) =>
    seq(
      oid(OID.certBag),
      explicit0(seq(oid(OID.x509Certificate), explicit0(octets(certDer)))),
      ...(attributes ? [attributes] : []),
    );
  const certContents = seq(
    certBag(input.certificateDer, bagAttributes(localKeyId, input.friendlyName)),
    ...input.chainDer.map((c) => certBag(c)),
  );
  const certs = encrypt(der(certContents));
  // EncryptedData (RFC 5652 §8) with encryptedContent as [0] IMPLICIT OCTET STRING.
  const encryptedData = seq(
    int(0),
    seq(
      oid(OID.data),
      certs.algorithm,
      new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: certs.ciphertext }),
    ),
  );

  const key = encrypt(Buffer.from(input.privateKeyDer));
  const keyContents = seq(
    seq(
      oid(OID.keyBag),
      explicit0(seq(key.algorithm, octets(key.ciphertext))),
      bagAttributes(localKeyId, input.friendlyName),
    ),
  );

  const authenticatedSafe = der(
    seq(
      seq(oid(OID.encryptedData), explicit0(encryptedData)),
      seq(oid(OID.data), explicit0(octets(der(keyContents)))),
    ),
  );

  // RFC 7292 §5.1 step 4 and Appendix B.4: the MAC key comes from the Appendix B KDF (ID 3).
  const macHash = legacy ? 'sha1' : 'sha256';
  const macIterations = 2048;
  const macSalt = randomBytes(legacy ? 8 : 16);
  const macKey = pkcs12Kdf(macHash, bmpPassword(input.password), macSalt, 3, macIterations, legacy ? 20 : 32);
  const mac = createHmac(macHash, macKey).update(authenticatedSafe).digest();

  return der(
    seq(
      int(3),
      seq(oid(OID.data), explicit0(octets(authenticatedSafe))),
      seq(
        seq(seq(oid(legacy ? OID.sha1 : OID.sha256), new asn1js.Null()), octets(mac)),
        octets(macSalt),
        int(macIterations),
      ),
    ),
  );
}

/** A password for a PKCS#12 file: 20 characters from an alphabet without look-alikes (~115 bits). */
export function generateP12Password(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(40);
  let out = '';
  for (const b of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (b >= 256 - (256 % alphabet.length)) continue;
    out += alphabet[b % alphabet.length];
    if (out.length === 20) break;
  }
  return out.length === 20 ? out : generateP12Password();
}
