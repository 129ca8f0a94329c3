/**
 * Verifies the self-signature of a PKCS#10 request (RFC 2986 §4.2): proof that the requester holds
 * the private key. Supported: RSA PKCS#1 v1.5 and ECDSA with SHA-1/224/256/384/512 (RFC 4055, RFC
 * 5758), RSASSA-PSS (RFC 4055 §3.1), Ed25519 and Ed448 (RFC 8410).
 *
 * An unsupported signature algorithm is a bad_csr, not an invalid signature: the request cannot be
 * checked at all, and the error names the algorithm so the requester can change it.
 */
import { constants, verify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { CoreError } from '../errors.js';
import { readSingle, readTlv } from '../../../ca/pki/der-read.js';

type Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const SIMPLE_ALGORITHMS: Record<string, { name: string; hash: Hash | null }> = {
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  // EdDSA signs the message itself, no separate digest (RFC 8410 §6).
  '1.3.101.112': { name: 'Ed25519', hash: null },
  '1.3.101.113': { name: 'Ed448', hash: null },
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const HASH_OIDS: Record<string, Hash> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * True when `signature` over `data` verifies with `key` under `algorithm`. A signature that is
 * malformed, or made with an algorithm that does not fit the key, is simply invalid (false), as is
 * any signature when node cannot load the key (`key` null). Unsupported algorithms throw bad_csr.
 */
export function verifySignature(
  algorithm: AlgorithmIdentifier,
  data: Uint8Array,
  signature: Uint8Array,
  key: KeyObject | null,
): boolean {
  if (algorithm.algorithm === RSASSA_PSS) {
    const pss = readPssParameters(algorithm.parameters);
    if (!key) return false;
    return safeVerify(() =>
      verify(
        pss.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength },
        signature,
      ),
    );
  }
  const simple = SIMPLE_ALGORITHMS[algorithm.algorithm];
  if (!simple) {
    throw new CoreError('bad_csr', `The CSR signature algorithm ${algorithm.algorithm} is not supported`);
  }
  if (!key) return false;
  return safeVerify(() => verify(simple.hash, data, key, signature));
}

function safeVerify(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    return false;
  }
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1), every field DEFAULTed: SHA-1, MGF1 with SHA-1, salt 20,
 * trailer 1. Node's verify uses the message digest for MGF1 too, so a different MGF1 hash is
 * unsupported rather than silently checked with the wrong one.
 */
function readPssParameters(parameters: ArrayBuffer | null | undefined): { hash: Hash; saltLength: number } {
  const unsupported = (why: string): CoreError =>
    new CoreError('bad_csr', `The CSR's RSASSA-PSS parameters are not supported: ${why}`);
  let hash: Hash = 'sha1';
  let mgfHash: Hash = 'sha1';
  let saltLength = 20;
  if (parameters) {
    try {
      const sequence = readSingle(new Uint8Array(parameters), [0x30]).content;
      for (let offset = 0; offset < sequence.length;) {
        const field = readTlv(sequence, offset);
        const inner = sequence.subarray(field.contentStart, field.end);
        offset = field.end;
        if (field.tag === 0xa0) {
          hash = hashOf(AsnConvert.parse(inner, AlgorithmIdentifier).algorithm);
        } else if (field.tag === 0xa1) {
          const mgf = AsnConvert.parse(inner, AlgorithmIdentifier);
          if (mgf.algorithm !== MGF1 || !mgf.parameters) throw unsupported('mask generation is not MGF1');
          mgfHash = hashOf(AsnConvert.parse(mgf.parameters, AlgorithmIdentifier).algorithm);
        } else if (field.tag === 0xa2) {
          saltLength = Number(readInteger(inner));
        } else if (field.tag === 0xa3) {
          if (readInteger(inner) !== 1n) throw unsupported('trailer field is not 1');
        } else {
          throw unsupported(`unexpected field tag 0x${field.tag.toString(16)}`);
        }
      }
    } catch (error) {
      if (error instanceof CoreError) throw error;
      throw new CoreError('bad_csr', 'The CSR has malformed RSASSA-PSS parameters', { cause: error });
    }
  }
  if (mgfHash !== hash) {
    throw unsupported(`MGF1 uses ${mgfHash} but the message digest is ${hash}`);
  }
  return { hash, saltLength };

  function hashOf(oid: string): Hash {
    const found = HASH_OIDS[oid];
    if (!found) throw unsupported(`digest ${oid}`);
    return found;
  }
}

function readInteger(element: Uint8Array): bigint {
  const { content } = readSingle(element, [0x02]);
  if (content.length === 0 || content.length > 8 || (content[0] ?? 0) & 0x80) {
    throw new Error('INTEGER out of range');
  }
  return BigInt(`0x${Buffer.from(content).toString('hex')}`);
}
