/**
 * Approval by polling (RFC 8894 §3.3.3, §4.4): PENDING, identical resends and CertPoll on the same
 * request, SUCCESS after approval, FAILURE with the reason after rejection; badCertId for unknown ones
 * and for anyone but the key that signed the request (§3.2.1.1: the transactionID identifies the
 * requester's key; it is no secret).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDn } from '../../../ca/pki/names.js';
import { sequence } from '../../../ca/pki/der.js';
import { MessageType } from '../../../protocols/scep/wire/oids.js';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { must, pkiMessage, readCertRep, selfSignedSigner } from '../../helpers/scep-client.js';
import { rsaKey, scepFixture, type ScepFixture } from './scep-fixture.js';

describe.each(dialects)('CertPoll and approval on %s', (dialect) => {
  let t: ScepFixture;
  beforeAll(async () => {
    t = await scepFixture(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('When approval is required, Then PKCSReq answers PENDING, resends and CertPoll stay PENDING, and approval turns them into SUCCESS', async () => {
    const { profile, challenge } = await t.scepProfile({
      approval: { required: true, approvers: 1, pendingTtlHours: 24 },
    });
    const req = t.pkcsReq({ challenge });
    expect(readCertRep(await t.send(profile.name, req.der), req.signer).pkiStatus).toBe('3');
    // micromdm's scepclient resends the identical message: same request, no second one.
    expect(readCertRep(await t.send(profile.name, req.der), req.signer).pkiStatus).toBe('3');
    const ias = issuerAndSubject(t, 'CN=device1.example');
    const poll = pkiMessage({
      messageType: MessageType.CertPoll,
      transactionID: req.transactionID,
      signer: req.signer,
      recipient: t.service.ra.certificate,
      content: ias,
    });
    expect(readCertRep(await t.send(profile.name, poll.der), req.signer).pkiStatus).toBe('3');
    const request = await t.store.requests.findByExternalRef('scep', req.transactionID);
    expect(request?.status).toBe('pending');
    await t.core.decide({ requestId: must(request).id, actor: 'approver', decision: 'approve' });
    const done = readCertRep(await t.send(profile.name, poll.der), req.signer);
    expect(done.pkiStatus).toBe('0');
    expect(done.certificates[0]).toBeDefined();
    // The resend also answers SUCCESS with the same certificate.
    const again = readCertRep(await t.send(profile.name, req.der), req.signer);
    expect(again.pkiStatus).toBe('0');
    expect(Buffer.from(must(again.certificates[0]).tbsCertificate.serialNumber)).toEqual(
      Buffer.from(must(done.certificates[0]).tbsCertificate.serialNumber),
    );
  });

  it('When an approver rejects, Then the poll answers FAILURE badRequest with the reason', async () => {
    const { profile, challenge } = await t.scepProfile({
      approval: { required: true, approvers: 1, pendingTtlHours: 24 },
    });
    const req = t.pkcsReq({ challenge });
    expect(readCertRep(await t.send(profile.name, req.der), req.signer).pkiStatus).toBe('3');
    const request = await t.store.requests.findByExternalRef('scep', req.transactionID);
    await t.core.decide({
      requestId: must(request).id,
      actor: 'approver',
      decision: 'reject',
      comment: 'unknown device',
    });
    const rep = readCertRep(await t.send(profile.name, req.der), req.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '2', failInfoText: 'unknown device' });
  });

  it('When the transactionID is reused with another CSR, Then FAILURE badRequest', async () => {
    const { profile, challenge } = await t.scepProfile({
      approval: { required: true, approvers: 1, pendingTtlHours: 24 },
    });
    const first = t.pkcsReq({ challenge });
    await t.send(profile.name, first.der);
    const second = t.pkcsReq({ challenge, transactionID: first.transactionID });
    const rep = readCertRep(await t.send(profile.name, second.der), second.signer);
    expect(rep).toMatchObject({ pkiStatus: '2', failInfo: '2' });
    expect(rep.failInfoText).toMatch(/transactionID/);
  });

  it('When someone else polls with the transactionID, Then FAILURE badCertId before and after the decision, never the rejection note', async () => {
    const { profile, challenge } = await t.scepProfile({
      approval: { required: true, approvers: 1, pendingTtlHours: 24 },
    });
    const req = t.pkcsReq({ challenge });
    expect(readCertRep(await t.send(profile.name, req.der), req.signer).pkiStatus).toBe('3');
    const stranger = selfSignedSigner();
    const strangerPoll = () =>
      pkiMessage({
        messageType: MessageType.CertPoll,
        transactionID: req.transactionID,
        signer: stranger,
        recipient: t.service.ra.certificate,
        content: issuerAndSubject(t, 'CN=device1.example'),
      });
    const unknown = { pkiStatus: '2', failInfo: '4', failInfoText: 'No request with this transactionID' };
    expect(readCertRep(await t.send(profile.name, strangerPoll().der), stranger)).toMatchObject(unknown);
    const request = must(await t.store.requests.findByExternalRef('scep', req.transactionID));
    await t.core.decide({
      requestId: request.id,
      actor: 'approver',
      decision: 'reject',
      comment: 'stolen laptop',
    });
    const after = readCertRep(await t.send(profile.name, strangerPoll().der), stranger);
    expect(after).toMatchObject(unknown);
    expect(after.certificates).toHaveLength(0);
    // The client that asked still learns the outcome, by CertPoll as by resend.
    const own = pkiMessage({
      messageType: MessageType.CertPoll,
      transactionID: req.transactionID,
      signer: req.signer,
      recipient: t.service.ra.certificate,
      content: issuerAndSubject(t, 'CN=device1.example'),
    });
    expect(readCertRep(await t.send(profile.name, own.der), req.signer)).toMatchObject({
      pkiStatus: '2',
      failInfo: '2',
      failInfoText: 'stolen laptop',
    });
  });

  it('When the identical PKCSReq is resent signed by another key, Then FAILURE without the state or the certificate', async () => {
    const { profile, challenge } = await t.scepProfile({
      approval: { required: true, approvers: 1, pendingTtlHours: 24 },
    });
    const key = rsaKey();
    const csr = makeCsr({ key, subject: 'CN=device1.example', challengePassword: challenge });
    const original = pkiMessage({
      messageType: MessageType.PKCSReq,
      signer: selfSignedSigner(key),
      recipient: t.service.ra.certificate,
      content: csr.der,
    });
    const stranger = selfSignedSigner();
    const replayed = pkiMessage({
      messageType: MessageType.PKCSReq,
      transactionID: original.transactionID,
      signer: stranger,
      recipient: t.service.ra.certificate,
      content: csr.der,
    });
    expect(readCertRep(await t.send(profile.name, original.der), selfSignedSigner(key)).pkiStatus).toBe('3');
    const refused = {
      pkiStatus: '2',
      failInfo: '2',
      failInfoText: 'This transactionID belongs to a different request',
    };
    expect(readCertRep(await t.send(profile.name, replayed.der), stranger)).toMatchObject(refused);
    const request = must(await t.store.requests.findByExternalRef('scep', original.transactionID));
    await t.core.decide({ requestId: request.id, actor: 'approver', decision: 'approve' });
    const after = readCertRep(await t.send(profile.name, replayed.der), stranger);
    expect(after).toMatchObject(refused);
    expect(after.certificates).toHaveLength(0);
    expect(await t.store.requests.get(request.id)).toMatchObject({ status: 'issued' });
  });

  it('When a request was stored without its signer key, Then only a poll signed by the CSR key is answered', async () => {
    const { profile } = await t.scepProfile({
      approval: { required: true, approvers: 1, pendingTtlHours: 24 },
    });
    const key = rsaKey();
    const transactionID = `legacy-${profile.name}`;
    const submitted = await t.core.submit({
      protocol: 'scep',
      profile,
      requester: `scep:${transactionID}`,
      csr: makeCsr({ key, subject: 'CN=device1.example' }).der,
      externalRef: transactionID,
    });
    expect(submitted.outcome).toBe('pending');
    const poll = (signer: ReturnType<typeof selfSignedSigner>) =>
      pkiMessage({
        messageType: MessageType.CertPoll,
        transactionID,
        signer,
        recipient: t.service.ra.certificate,
        content: issuerAndSubject(t, 'CN=device1.example'),
      }).der;
    const device = selfSignedSigner(key);
    expect(readCertRep(await t.send(profile.name, poll(device)), device).pkiStatus).toBe('3');
    const stranger = selfSignedSigner();
    expect(readCertRep(await t.send(profile.name, poll(stranger)), stranger)).toMatchObject({
      pkiStatus: '2',
      failInfo: '4',
    });
  });

  it('When a CertPoll names an unknown transaction, Then FAILURE badCertId', async () => {
    const { profile } = await t.scepProfile();
    const poll = pkiMessage({
      messageType: MessageType.CertPoll,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: issuerAndSubject(t, 'CN=nobody'),
    });
    expect(readCertRep(await t.send(profile.name, poll.der), t.signer)).toMatchObject({
      pkiStatus: '2',
      failInfo: '4',
    });
  });

  it.each([
    ['CertPoll', MessageType.CertPoll],
    ['GetCert', MessageType.GetCert],
    ['GetCRL', MessageType.GetCRL],
  ])('When a %s carries malformed messageData, Then FAILURE badRequest', async (_name, messageType) => {
    const { profile } = await t.scepProfile();
    for (const content of [
      new Uint8Array([0x30, 0x00]),
      new Uint8Array([0x04, 0x02, 0x01]),
      new Uint8Array([0xff]),
    ]) {
      const msg = pkiMessage({ messageType, signer: t.signer, recipient: t.service.ra.certificate, content });
      expect(readCertRep(await t.send(profile.name, msg.der), t.signer)).toMatchObject({
        pkiStatus: '2',
        failInfo: '2',
      });
    }
  });
});

function issuerAndSubject(t: ScepFixture, subject: string): Uint8Array {
  const issuer = new Uint8Array(AsnConvert.serialize(must(t.service.ra.issuing).tbsCertificate.subject));
  return sequence(issuer, new Uint8Array(AsnConvert.serialize(parseDn(subject))));
}
