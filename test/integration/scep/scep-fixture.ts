/** A core on a real store with the SCEP service over it, for the SCEP integration tests. */
import { testCore, type TestCore } from '../../helpers/core.js';
import type { TestDialect } from '../../helpers/db.js';
import { ScepService } from '../../../protocols/scep/service.js';
import type { ProfileSettings } from '../../../src/core/profiles/profile.js';
import { defaultScepSettings } from '../../../src/core/profiles/profile.js';
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import type { CipherName, DigestName } from '../../../protocols/scep/crypto/algorithms.js';
import { MessageType } from '../../../protocols/scep/wire/oids.js';
import { makeCsr } from '../../helpers/pki.js';
import { pkiMessage, selfSignedSigner, type ClientIdentity } from '../../helpers/scep-client.js';

export const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

export interface PkcsReqOptions {
  challenge?: string;
  subject?: string;
  dnsNames?: string[];
  key?: ReturnType<typeof rsaKey>;
  cipher?: CipherName;
  digest?: DigestName;
  transactionID?: string;
  signer?: ClientIdentity;
  messageType?: number;
}

export interface ScepFixture extends TestCore {
  service: ScepService;
  /** A fresh SCEP profile with a static challenge "secret-<name>". */
  scepProfile(
    settings?: Partial<ProfileSettings> & { scepOverrides?: Partial<ProfileSettings['scep']> },
  ): Promise<{ profile: Awaited<ReturnType<TestCore['profile']>>; challenge: string }>;
  signer: ClientIdentity;
  /** PKIOperation on the named profile; the DER CertRep. */
  send(profileName: string, der: Uint8Array): Promise<Uint8Array>;
  /** A PKCSReq (or RenewalReq) with a fresh RSA key unless given, encrypted to the RA. */
  pkcsReq(options: PkcsReqOptions): ReturnType<typeof pkiMessage> & { signer: ClientIdentity };
}

let counter = 0;

export async function scepFixture(dialect: TestDialect): Promise<ScepFixture> {
  const t = await testCore(dialect);
  const ra = await t.ca.scepRa();
  const service = new ScepService({
    core: t.core,
    ra: { certificatePem: ra.certificatePem, privateKey: ra.privateKey, chainPem: t.ca.caChain() },
  });
  const signer = selfSignedSigner();
  return {
    ...t,
    service,
    signer,
    send: async (profileName, der) => {
      const profile = await t.store.profiles.getByName(profileName);
      if (!profile) throw new Error('no profile');
      const reply = await service.PKIOperation(profile, der);
      expect(reply.contentType).toBe('application/x-pki-message');
      return reply.body as Uint8Array;
    },
    pkcsReq: (options) => {
      const csr = makeCsr({
        key: options.key ?? rsaKey(),
        subject: options.subject ?? 'CN=device1.example',
        dnsNames: options.dnsNames,
        challengePassword: options.challenge,
      });
      const who = options.signer ?? signer;
      const message = pkiMessage({
        messageType: options.messageType ?? MessageType.PKCSReq,
        signer: who,
        recipient: service.ra.certificate,
        content: csr.der,
        cipher: options.cipher,
        digest: options.digest,
        transactionID: options.transactionID,
      });
      return { ...message, signer: who };
    },
    scepProfile: async (settings = {}) => {
      const { scepOverrides, ...rest } = settings;
      const profile = await t.profile({ ...rest, scep: { ...defaultScepSettings(), ...scepOverrides } });
      const challenge = `secret-${++counter}-${profile.name}`;
      await t.core.codes.create({
        profile,
        purpose: 'scep-challenge',
        actor: 'admin',
        secret: challenge,
        singleUse: false,
      });
      return { profile, challenge };
    },
  };
}
