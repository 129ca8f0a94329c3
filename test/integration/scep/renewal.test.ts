/**
 * Renewal authenticated by the old certificate (RFC 8894 §3.3.1.2), Cisco/Apple PKCSReq renewal,
 * GetCert and GetCRL (§3.3.4, §3.3.5).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence, tlv } from '../../../ca/pki/der.js';
import { MessageType } from '../../../protocols/scep/wire/oids.js';
import { dialects } from '../../helpers/db.js';
import { identityOf, must, pkiMessage, readCertRep } from '../../helpers/scep-client.js';
import { rsaKey, scepFixture, type PkcsReqOptions, type ScepFixture } from './scep-fixture.js';

describe.each(dialects)('RenewalReq, GetCert and GetCRL on %s', (dialect) => {
  let t: ScepFixture;
  beforeAll(async () => {
    t = await scepFixture(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('When a RenewalReq is signed by the certificate it renews with a new key, Then SUCCESS without a challenge', async () => {
    const { profile, challenge } = await t.scepProfile();
    const oldKey = rsaKey();
    const first = t.pkcsReq({
      challenge,
      key: oldKey,
      subject: 'CN=renew.example',
      dnsNames: ['renew.example'],
    });
    const issued = must(readCertRep(await t.send(profile.name, first.der), first.signer).certificates[0]);
    const oldIdentity = identityOf(new Uint8Array(AsnConvert.serialize(issued)), oldKey.privateKey);
    const renewal = t.pkcsReq({
      messageType: MessageType.RenewalReq,
      signer: oldIdentity,
      subject: 'CN=renew.example',
      dnsNames: ['renew.example'],
      transactionID: first.transactionID, // scepclient reuses the txid
    });
    const rep = readCertRep(await t.send(profile.name, renewal.der), oldIdentity);
    expect(rep.pkiStatus).toBe('0');
    expect(Buffer.from(must(rep.certificates[0]).tbsCertificate.serialNumber)).not.toEqual(
      Buffer.from(issued.tbsCertificate.serialNumber),
    );
    // Cisco/Apple style: a PKCSReq signed by the old certificate is a renewal too.
    const cisco = t.pkcsReq({
      signer: oldIdentity,
      subject: 'CN=renew.example',
      dnsNames: ['renew.example'],
    });
    expect(readCertRep(await t.send(profile.name, cisco.der), oldIdentity).pkiStatus).toBe('0');
  });

  it('When a renewal keeps the key, changes the subject, adds a name or the old certificate is revoked, Then FAILURE badRequest', async () => {
    const { profile, challenge } = await t.scepProfile();
    const oldKey = rsaKey();
    const first = t.pkcsReq({ challenge, key: oldKey, subject: 'CN=r2.example', dnsNames: ['r2.example'] });
    const issued = must(readCertRep(await t.send(profile.name, first.der), first.signer).certificates[0]);
    const old = identityOf(new Uint8Array(AsnConvert.serialize(issued)), oldKey.privateKey);
    const renew = (opts: PkcsReqOptions) =>
      t.pkcsReq({
        messageType: MessageType.RenewalReq,
        signer: old,
        subject: 'CN=r2.example',
        dnsNames: ['r2.example'],
        ...opts,
      });
    const sameKey = renew({ key: oldKey });
    expect(readCertRep(await t.send(profile.name, sameKey.der), old).failInfoText).toMatch(/new key/);
    const otherSubject = renew({ subject: 'CN=else.example' });
    expect(readCertRep(await t.send(profile.name, otherSubject.der), old).failInfoText).toMatch(/subject/);
    const moreNames = renew({ dnsNames: ['r2.example', 'extra.example'] });
    expect(readCertRep(await t.send(profile.name, moreNames.der), old).failInfoText).toMatch(/names/);
    await t.core.revoke({
      serialNumber: Buffer.from(issued.tbsCertificate.serialNumber).toString('hex'),
      reason: 1,
      actor: 'admin',
    });
    const revoked = renew({});
    expect(readCertRep(await t.send(profile.name, revoked.der), old).failInfoText).toMatch(/revoked/);
  });

  it('When the profile allows key reuse, Then a same-key renewal succeeds', async () => {
    const { profile, challenge } = await t.scepProfile({ scepOverrides: { allowKeyReuse: true } });
    const key = rsaKey();
    const first = t.pkcsReq({ challenge, key, subject: 'CN=r3.example' });
    const issued = must(readCertRep(await t.send(profile.name, first.der), first.signer).certificates[0]);
    const old = identityOf(new Uint8Array(AsnConvert.serialize(issued)), key.privateKey);
    const again = t.pkcsReq({
      messageType: MessageType.RenewalReq,
      signer: old,
      key,
      subject: 'CN=r3.example',
    });
    expect(readCertRep(await t.send(profile.name, again.der), old).pkiStatus).toBe('0');
  });

  it('When GetCert names an issued serial, Then SUCCESS with that certificate; an unknown one is badCertId', async () => {
    const { profile, challenge } = await t.scepProfile();
    const first = t.pkcsReq({ challenge });
    const issued = must(readCertRep(await t.send(profile.name, first.der), first.signer).certificates[0]);
    const get = pkiMessage({
      messageType: MessageType.GetCert,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: sequence(
        new Uint8Array(AsnConvert.serialize(issued.tbsCertificate.issuer)),
        tlvInteger(new Uint8Array(issued.tbsCertificate.serialNumber)),
      ),
    });
    const rep = readCertRep(await t.send(profile.name, get.der), t.signer);
    expect(rep.pkiStatus).toBe('0');
    expect(Buffer.from(AsnConvert.serialize(must(rep.certificates[0])))).toEqual(
      Buffer.from(AsnConvert.serialize(issued)),
    );
    const unknown = pkiMessage({
      messageType: MessageType.GetCert,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: sequence(
        new Uint8Array(AsnConvert.serialize(issued.tbsCertificate.issuer)),
        tlvInteger(new Uint8Array([0x42])),
      ),
    });
    expect(readCertRep(await t.send(profile.name, unknown.der), t.signer)).toMatchObject({
      pkiStatus: '2',
      failInfo: '4',
    });
  });

  it('When GetCRL names our issuer, Then SUCCESS with the CRL in the degenerate SignedData', async () => {
    const { profile } = await t.scepProfile();
    const issuing = must(t.service.ra.issuing);
    const get = pkiMessage({
      messageType: MessageType.GetCRL,
      signer: t.signer,
      recipient: t.service.ra.certificate,
      content: sequence(
        new Uint8Array(AsnConvert.serialize(issuing.tbsCertificate.subject)),
        tlvInteger(new Uint8Array([1])),
      ),
    });
    const rep = readCertRep(await t.send(profile.name, get.der), t.signer);
    expect(rep.pkiStatus).toBe('0');
    expect(rep.crls).toBe(1);
  });
});

function tlvInteger(bytes: Uint8Array): Uint8Array {
  return tlv(0x02, bytes);
}
