/**
 * PKIOperation end to end on a real store and CA (RFC 8894 §3.3): PKCSReq with every cipher and
 * digest, the FAILURE cases with their failInfo, PENDING → CertPoll → approval, resends, renewal,
 * GetCert and GetCRL.
 */
import { generateKeyPairSync } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDn } from '../../../ca/pki/names.js';
import { parseDn } from '../../../ca/pki/names.js';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { identityOf, pkiMessage, readCertRep, selfSignedSigner } from '../../helpers/scep-client.js';
import { MessageType } from '../../../protocols/scep/wire/oids.js';
import { sequence } from '../../../protocols/scep/wire/der.js';
import type { CipherName, DigestName } from '../../../protocols/scep/crypto/algorithms.js';
import { digestOidOf } from '../../../protocols/scep/crypto/algorithms.js';
import { scepFixture, type ScepFixture } from './scep-fixture.js';

const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

describe.each(dialects)('PKIOperation on %s', (dialect) => {
  let t: ScepFixture;
  beforeAll(async () => {
    t = await scepFixture(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  async function send(profileName: string, der: Uint8Array) {
    const profile = await t.store.profiles.getByName(profileName);
    if (!profile) throw new Error('no profile');
    const reply = await t.service.PKIOperation(profile, der);
    expect(reply.contentType).toBe('application/x-pki-message');
    return reply.body as Uint8Array;
  }

  function pkcsReq(options: {
    challenge?: string;
    subject?: string;
    dnsNames?: string[];
    key?: ReturnType<typeof rsaKey>;
    cipher?: CipherName;
    digest?: DigestName;
    transactionID?: string;
    signer?: ReturnType<typeof selfSignedSigner>;
    messageType?: number;
  }) {
    const csr = makeCsr({
      key: options.key ?? rsaKey(),
      subject: options.subject ?? 'CN=device1.example',
      dnsNames: options.dnsNames,
      challengePassword: options.challenge,
    });
    const signer = options.signer ?? t.signer;
    const message = pkiMessage({
      messageType: options.messageType ?? MessageType.PKCSReq,
      signer,
      recipient: t.service.ra.certificate,
      content: csr.der,
      cipher: options.cipher,
      digest: options.digest,
      transactionID: options.transactionID,
    });
    return { ...message, csr, signer };
  }

  it.each<[CipherName, DigestName]>([
    ['aes-128-cbc', 'sha256'],
    ['aes-192-cbc', 'sha384'],
    ['aes-256-cbc', 'sha512'],
    ['des-ede3-cbc', 'sha1'],
  ])('When a PKCSReq uses %s and %s with the right challenge, Then SUCCESS mirrors both and the certificate comes first', async (cipher, digest) => {
    const { profile, challenge } = await t.scepProfile();
    const req = pkcsReq({ challenge, cipher, digest });
    const rep = readCertRep(await send(profile.name, req.der), req.signer);
    expect(rep).toMatchObject({ messageType: '3', pkiStatus: '0', failInfo: null, transactionID: req.transactionID });
    expect(rep.digestOid).toBe(digestOidOf[digest]);
    expect(rep.cipherName).toBe(cipher);
    expect(Buffer.from(rep.recipientNonce)).toEqual(Buffer.from(req.senderNonce));
    expect(Buffer.from(rep.senderNonce)).not.toEqual(Buffer.from(req.senderNonce));
    expect(rep.senderNonce.length).toBe(16);
    expect(formatDn(rep.certificates[0]!.tbsCertificate.subject)).toBe('CN=device1.example');
    expect(rep.certificates).toHaveLength(3); // leaf, issuing, root (includeChain)
    expect(Buffer.from(AsnConvert.serialize(rep.signerCertificates[0]!))).toEqual(
      Buffer.from(t.service.ra.certificateDer),
    );
  });

  it('When the profile does not include the chain (Juniper), Then the reply holds the certificate alone', async () => {
    const { profile, challenge } = await t.scepProfile({ scepOverrides: { includeChain: false } });
    const req = pkcsReq({ challenge });
    const rep = readCertRep(await send(profile.name, req.der), req.signer);
    expect(rep.pkiStatus).toBe('0');
    expect(rep.certificates).toHaveLength(1);
  });

  it('When a PKCSReq uses single DES on a profile that has not opted in, Then FAILURE badAlg; on one that has, SUCCESS in DES', async () => {
    const strict = await t.scepProfile();
    const refused = pkcsReq({ challenge: strict.challenge, cipher: 'des-cbc', digest: 'sha1' });
    const rep = readCertRep(await send(strict.profile.name, refused.der), refused.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '0' });
    expect(rep.failInfoText).toMatch(/des-cbc/);

    const legacy = await t.scepProfile({ scepOverrides: { allowDes: true } });
    const accepted = pkcsReq({ challenge: legacy.challenge, cipher: 'des-cbc', digest: 'sha1' });
    const ok = readCertRep(await send(legacy.profile.name, accepted.der), accepted.signer);
    expect(ok).toMatchObject({ pkiStatus: '0', cipherName: 'des-cbc' });
  });

  it('When the challenge is wrong or missing, Then FAILURE badRequest with a failInfoText', async () => {
    const { profile } = await t.scepProfile();
    const wrong = pkcsReq({ challenge: 'not-the-secret' });
    const rep = readCertRep(await send(profile.name, wrong.der), wrong.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '2', failInfoText: 'The challengePassword is wrong' });
    const none = pkcsReq({});
    const rep2 = readCertRep(await send(profile.name, none.der), none.signer);
    expect(rep2).toMatchObject({ pkiStatus: '2', failInfo: '2' });
    expect(rep2.failInfoText).toMatch(/challengePassword/);
  });

  it('When a single-use code is redeemed twice, Then the second enrolment fails with badRequest', async () => {
    const { profile } = await t.scepProfile();
    const { secret } = await t.core.codes.create({ profile, purpose: 'scep-challenge', actor: 'admin' });
    const first = pkcsReq({ challenge: secret });
    expect(readCertRep(await send(profile.name, first.der), first.signer).pkiStatus).toBe('0');
    const second = pkcsReq({ challenge: secret });
    const rep = readCertRep(await send(profile.name, second.der), second.signer);
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
    const other = pkcsReq({ challenge: secret, subject: 'CN=other.example' });
    expect(readCertRep(await send(profile.name, other.der), other.signer).failInfoText).toMatch(/bound/);
    const bound = pkcsReq({ challenge: secret, subject: 'CN=bound.example' });
    expect(readCertRep(await send(profile.name, bound.der), bound.signer).pkiStatus).toBe('0');
  });

  it('When the signature or the messageDigest is tampered with, Then FAILURE badMessageCheck', async () => {
    const { profile, challenge } = await t.scepProfile();
    const req = pkcsReq({ challenge });
    const tampered = Buffer.from(req.der);
    tampered[tampered.length - 5] ^= 0xff; // inside the signature value
    const rep = readCertRep(await send(profile.name, tampered), req.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '1' });
  });

  it('When the envelope is encrypted to someone else, Then FAILURE badMessageCheck', async () => {
    const { profile, challenge } = await t.scepProfile();
    const stranger = selfSignedSigner();
    const csr = makeCsr({ key: rsaKey(), subject: 'CN=x.example', challengePassword: challenge });
    const msg = pkiMessage({ messageType: MessageType.PKCSReq, signer: t.signer, recipient: stranger.certificate, content: csr.der });
    const rep = readCertRep(await send(profile.name, msg.der), t.signer);
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
    const rep = readCertRep(await send(profile.name, msg.der), t.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '2' });
  });

  it('When approval is required, Then PKCSReq answers PENDING, resends and CertPoll stay PENDING, and approval turns them into SUCCESS', async () => {
    const { profile, challenge } = await t.scepProfile({ approval: { required: true, approvers: 1, pendingTtlHours: 24 } });
    const req = pkcsReq({ challenge });
    expect(readCertRep(await send(profile.name, req.der), req.signer).pkiStatus).toBe('3');
    // micromdm's scepclient resends the identical message: same request, no second one.
    expect(readCertRep(await send(profile.name, req.der), req.signer).pkiStatus).toBe('3');
    const ias = issuerAndSubject(t, 'CN=device1.example');
    const poll = pkiMessage({
      messageType: MessageType.CertPoll,
      transactionID: req.transactionID,
      signer: req.signer,
      recipient: t.service.ra.certificate,
      content: ias,
    });
    expect(readCertRep(await send(profile.name, poll.der), req.signer).pkiStatus).toBe('3');
    const request = await t.store.requests.findByExternalRef('scep', req.transactionID);
    expect(request?.status).toBe('pending');
    await t.core.decide({ requestId: request!.id, actor: 'approver', decision: 'approve' });
    const done = readCertRep(await send(profile.name, poll.der), req.signer);
    expect(done.pkiStatus).toBe('0');
    expect(done.certificates[0]).toBeDefined();
    // The resend also answers SUCCESS with the same certificate.
    const again = readCertRep(await send(profile.name, req.der), req.signer);
    expect(again.pkiStatus).toBe('0');
    expect(Buffer.from(again.certificates[0]!.tbsCertificate.serialNumber)).toEqual(
      Buffer.from(done.certificates[0]!.tbsCertificate.serialNumber),
    );
  });

  it('When an approver rejects, Then the poll answers FAILURE badRequest with the reason', async () => {
    const { profile, challenge } = await t.scepProfile({ approval: { required: true, approvers: 1, pendingTtlHours: 24 } });
    const req = pkcsReq({ challenge });
    expect(readCertRep(await send(profile.name, req.der), req.signer).pkiStatus).toBe('3');
    const request = await t.store.requests.findByExternalRef('scep', req.transactionID);
    await t.core.decide({ requestId: request!.id, actor: 'approver', decision: 'reject', comment: 'unknown device' });
    const rep = readCertRep(await send(profile.name, req.der), req.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '2', failInfoText: 'unknown device' });
  });

  it('When the transactionID is reused with another CSR, Then FAILURE badRequest', async () => {
    const { profile, challenge } = await t.scepProfile({ approval: { required: true, approvers: 1, pendingTtlHours: 24 } });
    const first = pkcsReq({ challenge });
    await send(profile.name, first.der);
    const second = pkcsReq({ challenge, transactionID: first.transactionID });
    const rep = readCertRep(await send(profile.name, second.der), second.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '2' });
    expect(rep.failInfoText).toMatch(/transactionID/);
  });

  it('When a CertPoll names an unknown transaction, Then FAILURE badCertId', async () => {
    const { profile } = await t.scepProfile();
    const poll = pkiMessage({
      messageType: MessageType.CertPoll,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: issuerAndSubject(t, 'CN=nobody'),
    });
    expect(readCertRep(await send(profile.name, poll.der), t.signer)).toMatchObject({ pkiStatus: '2', failInfo: '4' });
  });

  it('When a RenewalReq is signed by the certificate it renews with a new key, Then SUCCESS without a challenge', async () => {
    const { profile, challenge } = await t.scepProfile();
    const oldKey = rsaKey();
    const first = pkcsReq({ challenge, key: oldKey, subject: 'CN=renew.example', dnsNames: ['renew.example'] });
    const issued = readCertRep(await send(profile.name, first.der), first.signer).certificates[0]!;
    const oldIdentity = identityOf(new Uint8Array(AsnConvert.serialize(issued)), oldKey.privateKey);
    const renewal = pkcsReq({
      messageType: MessageType.RenewalReq,
      signer: oldIdentity,
      subject: 'CN=renew.example',
      dnsNames: ['renew.example'],
      transactionID: first.transactionID, // scepclient reuses the txid
    });
    const rep = readCertRep(await send(profile.name, renewal.der), oldIdentity);
    expect(rep.pkiStatus).toBe('0');
    expect(Buffer.from(rep.certificates[0]!.tbsCertificate.serialNumber)).not.toEqual(
      Buffer.from(issued.tbsCertificate.serialNumber),
    );
    // Cisco/Apple style: a PKCSReq signed by the old certificate is a renewal too.
    const cisco = pkcsReq({ signer: oldIdentity, subject: 'CN=renew.example', dnsNames: ['renew.example'] });
    expect(readCertRep(await send(profile.name, cisco.der), oldIdentity).pkiStatus).toBe('0');
  });

  it('When a renewal keeps the key, changes the subject, adds a name or the old certificate is revoked, Then FAILURE badRequest', async () => {
    const { profile, challenge } = await t.scepProfile();
    const oldKey = rsaKey();
    const first = pkcsReq({ challenge, key: oldKey, subject: 'CN=r2.example', dnsNames: ['r2.example'] });
    const issued = readCertRep(await send(profile.name, first.der), first.signer).certificates[0]!;
    const old = identityOf(new Uint8Array(AsnConvert.serialize(issued)), oldKey.privateKey);
    const renew = (opts: Parameters<typeof pkcsReq>[0]) =>
      pkcsReq({ messageType: MessageType.RenewalReq, signer: old, subject: 'CN=r2.example', dnsNames: ['r2.example'], ...opts });
    const sameKey = renew({ key: oldKey });
    expect(readCertRep(await send(profile.name, sameKey.der), old).failInfoText).toMatch(/new key/);
    const otherSubject = renew({ subject: 'CN=else.example' });
    expect(readCertRep(await send(profile.name, otherSubject.der), old).failInfoText).toMatch(/subject/);
    const moreNames = renew({ dnsNames: ['r2.example', 'extra.example'] });
    expect(readCertRep(await send(profile.name, moreNames.der), old).failInfoText).toMatch(/names/);
    await t.core.revoke({ serialNumber: Buffer.from(issued.tbsCertificate.serialNumber).toString('hex'), reason: 1, actor: 'admin' });
    const revoked = renew({});
    expect(readCertRep(await send(profile.name, revoked.der), old).failInfoText).toMatch(/revoked/);
  });

  it('When the profile allows key reuse, Then a same-key renewal succeeds', async () => {
    const { profile, challenge } = await t.scepProfile({ scepOverrides: { allowKeyReuse: true } });
    const key = rsaKey();
    const first = pkcsReq({ challenge, key, subject: 'CN=r3.example' });
    const issued = readCertRep(await send(profile.name, first.der), first.signer).certificates[0]!;
    const old = identityOf(new Uint8Array(AsnConvert.serialize(issued)), key.privateKey);
    const again = pkcsReq({ messageType: MessageType.RenewalReq, signer: old, key, subject: 'CN=r3.example' });
    expect(readCertRep(await send(profile.name, again.der), old).pkiStatus).toBe('0');
  });

  it('When GetCert names an issued serial, Then SUCCESS with that certificate; an unknown one is badCertId', async () => {
    const { profile, challenge } = await t.scepProfile();
    const first = pkcsReq({ challenge });
    const issued = readCertRep(await send(profile.name, first.der), first.signer).certificates[0]!;
    const get = pkiMessage({
      messageType: MessageType.GetCert,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: sequence(
        new Uint8Array(AsnConvert.serialize(issued.tbsCertificate.issuer)),
        tlvInteger(new Uint8Array(issued.tbsCertificate.serialNumber)),
      ),
    });
    const rep = readCertRep(await send(profile.name, get.der), t.signer);
    expect(rep.pkiStatus).toBe('0');
    expect(Buffer.from(AsnConvert.serialize(rep.certificates[0]!))).toEqual(Buffer.from(AsnConvert.serialize(issued)));
    const unknown = pkiMessage({
      messageType: MessageType.GetCert,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: sequence(new Uint8Array(AsnConvert.serialize(issued.tbsCertificate.issuer)), tlvInteger(new Uint8Array([0x42]))),
    });
    expect(readCertRep(await send(profile.name, unknown.der), t.signer)).toMatchObject({ pkiStatus: '2', failInfo: '4' });
  });

  it('When GetCRL names our issuer, Then SUCCESS with the CRL in the degenerate SignedData', async () => {
    const { profile } = await t.scepProfile();
    const issuing = t.service.ra.issuing!;
    const get = pkiMessage({
      messageType: MessageType.GetCRL,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: sequence(new Uint8Array(AsnConvert.serialize(issuing.tbsCertificate.subject)), tlvInteger(new Uint8Array([1]))),
    });
    const rep = readCertRep(await send(profile.name, get.der), t.signer);
    expect(rep.pkiStatus).toBe('0');
    expect(rep.crls).toBe(1);
  });

  it('When a CertRep or unknown body comes in as a request, Then FAILURE badRequest', async () => {
    const { profile } = await t.scepProfile();
    const msg = pkiMessage({
      messageType: MessageType.CertRep,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: new Uint8Array([0x05, 0x00]),
    });
    expect(readCertRep(await send(profile.name, msg.der), t.signer)).toMatchObject({ pkiStatus: '2', failInfo: '2' });
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
    const rep = readCertRep(await send(profile.name, msg.der), t.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '0' });
    expect(rep.digestOid).toBe(digestOidOf.sha256);
  });
});

function tlvInteger(bytes: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from([0x02, bytes.length]), Buffer.from(bytes)]);
}

function issuerAndSubject(t: ScepFixture, subject: string): Uint8Array {
  const issuer = new Uint8Array(AsnConvert.serialize(t.service.ra.issuing!.tbsCertificate.subject));
  return sequence(issuer, new Uint8Array(AsnConvert.serialize(parseDn(subject))));
}
