/**
 * PKCSReq end to end on a real store and CA (RFC 8894 §3.3.1): every cipher and digest, mirrored in
 * the reply; the FAILURE cases with their failInfo (badAlg, badMessageCheck, badRequest, badTime).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDn } from '../../../ca/pki/names.js';
import type { CipherName, DigestName } from '../../../protocols/scep/crypto/algorithms.js';
import { digestOidOf } from '../../../protocols/scep/crypto/algorithms.js';
import { MessageType } from '../../../protocols/scep/wire/oids.js';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { must, pkiMessage, readCertRep, selfSignedSigner } from '../../helpers/scep-client.js';
import { rsaKey, scepFixture, type ScepFixture } from './scep-fixture.js';

describe.each(dialects)('PKCSReq on %s', (dialect) => {
  let t: ScepFixture;
  beforeAll(async () => {
    t = await scepFixture(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it.each<[CipherName, DigestName]>([
    ['aes-128-cbc', 'sha256'],
    ['aes-192-cbc', 'sha384'],
    ['aes-256-cbc', 'sha512'],
    ['des-ede3-cbc', 'sha1'],
  ])(
    'When a PKCSReq uses %s and %s with the right challenge, Then SUCCESS mirrors both and the certificate comes first',
    async (cipher, digest) => {
      const { profile, challenge } = await t.scepProfile();
      const req = t.pkcsReq({ challenge, cipher, digest });
      const rep = readCertRep(await t.send(profile.name, req.der), req.signer);
      expect(rep).toMatchObject({
        messageType: '3',
        pkiStatus: '0',
        failInfo: null,
        transactionID: req.transactionID,
      });
      expect(rep.digestOid).toBe(digestOidOf[digest]);
      expect(rep.cipherName).toBe(cipher);
      expect(Buffer.from(rep.recipientNonce)).toEqual(Buffer.from(req.senderNonce));
      expect(Buffer.from(rep.senderNonce)).not.toEqual(Buffer.from(req.senderNonce));
      expect(rep.senderNonce.length).toBe(16);
      expect(formatDn(must(rep.certificates[0]).tbsCertificate.subject)).toBe('CN=device1.example');
      expect(rep.certificates).toHaveLength(3); // leaf, issuing, root (includeChain)
      expect(Buffer.from(AsnConvert.serialize(must(rep.signerCertificates[0])))).toEqual(
        Buffer.from(t.service.ra.certificateDer),
      );
    },
  );

  it('When the profile does not include the chain (Juniper), Then the reply holds the certificate alone', async () => {
    const { profile, challenge } = await t.scepProfile({ scepOverrides: { includeChain: false } });
    const req = t.pkcsReq({ challenge });
    const rep = readCertRep(await t.send(profile.name, req.der), req.signer);
    expect(rep.pkiStatus).toBe('0');
    expect(rep.certificates).toHaveLength(1);
  });

  it('When a PKCSReq uses single DES on a profile that has not opted in, Then FAILURE badAlg; on one that has, SUCCESS in DES', async () => {
    const strict = await t.scepProfile();
    const refused = t.pkcsReq({ challenge: strict.challenge, cipher: 'des-cbc', digest: 'sha1' });
    const rep = readCertRep(await t.send(strict.profile.name, refused.der), refused.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '0' });
    expect(rep.failInfoText).toMatch(/des-cbc/);

    const legacy = await t.scepProfile({ scepOverrides: { allowDes: true } });
    const accepted = t.pkcsReq({ challenge: legacy.challenge, cipher: 'des-cbc', digest: 'sha1' });
    const ok = readCertRep(await t.send(legacy.profile.name, accepted.der), accepted.signer);
    expect(ok).toMatchObject({ pkiStatus: '0', cipherName: 'des-cbc' });
  });

  it('When the challenge is wrong or missing, Then FAILURE badRequest with a failInfoText', async () => {
    const { profile } = await t.scepProfile();
    const wrong = t.pkcsReq({ challenge: 'not-the-secret' });
    const rep = readCertRep(await t.send(profile.name, wrong.der), wrong.signer);
    expect(rep).toMatchObject({
      pkiStatus: '2',
      failInfo: '2',
      failInfoText: 'The challengePassword is wrong',
    });
    const none = t.pkcsReq({});
    const rep2 = readCertRep(await t.send(profile.name, none.der), none.signer);
    expect(rep2).toMatchObject({ pkiStatus: '2', failInfo: '2' });
    expect(rep2.failInfoText).toMatch(/challengePassword/);
  });

  it('When a single-use code is redeemed twice, Then the second enrolment fails with badRequest', async () => {
    const { profile } = await t.scepProfile();
    const { secret } = await t.core.codes.create({ profile, purpose: 'scep-challenge', actor: 'admin' });
    const first = t.pkcsReq({ challenge: secret });
    expect(readCertRep(await t.send(profile.name, first.der), first.signer).pkiStatus).toBe('0');
    const second = t.pkcsReq({ challenge: secret });
    const rep = readCertRep(await t.send(profile.name, second.der), second.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '2' });
  });

  it('When a code is bound to a subject, Then another subject is refused and the bound one enrols', async () => {
    const { profile } = await t.scepProfile();
    const { secret } = await t.core.codes.create({
      profile,
      purpose: 'scep-challenge',
      actor: 'admin',
      boundSubject: 'CN=bound.example',
    });
    const other = t.pkcsReq({ challenge: secret, subject: 'CN=other.example' });
    expect(readCertRep(await t.send(profile.name, other.der), other.signer).failInfoText).toMatch(/bound/);
    const bound = t.pkcsReq({ challenge: secret, subject: 'CN=bound.example' });
    expect(readCertRep(await t.send(profile.name, bound.der), bound.signer).pkiStatus).toBe('0');
  });

  it('When a subject-bound code is tried with wrong challenges, Then it locks after maxAttempts and stays refused until unlocked', async () => {
    const { profile } = await t.scepProfile({ codePolicy: { ttlHours: 24, maxAttempts: 2 } });
    const { code, secret } = await t.core.codes.create({
      profile,
      purpose: 'scep-challenge',
      actor: 'admin',
      boundSubject: 'CN=locked.example',
    });
    for (let i = 0; i < 2; i++) {
      const wrong = t.pkcsReq({ challenge: `wrong-${i}`, subject: 'CN=locked.example' });
      expect(readCertRep(await t.send(profile.name, wrong.der), wrong.signer).failInfo).toBe('2');
    }
    expect((await t.store.codes.get(code.id))?.status).toBe('locked');
    const right = t.pkcsReq({ challenge: secret, subject: 'CN=locked.example' });
    expect(readCertRep(await t.send(profile.name, right.der), right.signer).failInfoText).toMatch(/locked/);
    await t.core.codes.unlock(code.id, 'admin', 'device owner called');
    const again = t.pkcsReq({ challenge: secret, subject: 'CN=locked.example' });
    expect(readCertRep(await t.send(profile.name, again.der), again.signer).pkiStatus).toBe('0');
  });

  it('When the signature or the messageDigest is tampered with, Then FAILURE badMessageCheck', async () => {
    const { profile, challenge } = await t.scepProfile();
    const req = t.pkcsReq({ challenge });
    const tampered = Buffer.from(req.der);
    tampered[tampered.length - 5] ^= 0xff; // inside the signature value
    const rep = readCertRep(await t.send(profile.name, tampered), req.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '1' });
  });

  it('When the envelope is encrypted to someone else, Then FAILURE badMessageCheck', async () => {
    const { profile, challenge } = await t.scepProfile();
    const stranger = selfSignedSigner();
    const csr = makeCsr({ key: rsaKey(), subject: 'CN=x.example', challengePassword: challenge });
    const msg = pkiMessage({
      messageType: MessageType.PKCSReq,
      signer: t.signer,
      recipient: stranger.certificate,
      content: csr.der,
    });
    const rep = readCertRep(await t.send(profile.name, msg.der), t.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '1' });
  });

  it('When the envelope carries garbage instead of a CSR, Then FAILURE badRequest', async () => {
    const { profile } = await t.scepProfile();
    const msg = pkiMessage({
      messageType: MessageType.PKCSReq,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]),
    });
    const rep = readCertRep(await t.send(profile.name, msg.der), t.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '2' });
  });

  it('When a CertRep or unknown body comes in as a request, Then FAILURE badRequest', async () => {
    const { profile } = await t.scepProfile();
    const msg = pkiMessage({
      messageType: MessageType.CertRep,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: new Uint8Array([0x05, 0x00]),
    });
    expect(readCertRep(await t.send(profile.name, msg.der), t.signer)).toMatchObject({
      pkiStatus: '2',
      failInfo: '2',
    });
  });

  it('When the profile bounds the clock skew and the signingTime is two hours off, Then FAILURE badTime; unbounded profiles accept it', async () => {
    const strict = await t.scepProfile({ scepOverrides: { maxClockSkewMinutes: 5 } });
    const lax = await t.scepProfile();
    t.clock.advance(2 * 3_600_000);
    try {
      const late = t.pkcsReq({ challenge: strict.challenge });
      expect(readCertRep(await t.send(strict.profile.name, late.der), late.signer)).toMatchObject({
        pkiStatus: '2',
        failInfo: '3',
      });
      const ok = t.pkcsReq({ challenge: lax.challenge });
      expect(readCertRep(await t.send(lax.profile.name, ok.der), ok.signer).pkiStatus).toBe('0');
    } finally {
      t.clock.advance(-2 * 3_600_000);
    }
  });

  it('When the digest is MD5 (sscep default), Then FAILURE badAlg, answered with SHA-256', async () => {
    const { profile, challenge } = await t.scepProfile();
    const csr = makeCsr({ key: rsaKey(), subject: 'CN=md5.example', challengePassword: challenge });
    const msg = pkiMessage({
      messageType: MessageType.PKCSReq,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: csr.der,
      digest: 'md5' as DigestName,
    });
    const rep = readCertRep(await t.send(profile.name, msg.der), t.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '0' });
    expect(rep.digestOid).toBe(digestOidOf.sha256);
  });
});
