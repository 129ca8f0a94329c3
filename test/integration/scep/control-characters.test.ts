/**
 * A name with a control character never reaches the domain policy: the NUL-prefix name
 * "www.bank.example\0.corp.example.com" would pass a corp.example.com suffix rule and read as
 * www.bank.example to a relying party that stops at the NUL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { readCertRep } from '../../helpers/scep-client.js';
import { scepFixture, type ScepFixture } from './scep-fixture.js';

const corpOnly = {
  domainPolicy: { allowedSuffixes: ['corp.example.com'], allowWildcards: false, allowIpAddresses: false },
};

describe.each(dialects)('SCEP names with control characters (%s)', (dialect) => {
  let t: ScepFixture;
  beforeAll(async () => {
    t = await scepFixture(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('When a PKCSReq CN hides a NUL before an allowed suffix, Then FAILURE badRequest names the field and position, and nothing is issued', async () => {
    const { profile, challenge } = await t.scepProfile(corpOnly);
    const req = t.pkcsReq({ challenge, subject: 'CN=www.bank.example\\00.corp.example.com' });
    const rep = readCertRep(await t.send(profile.name, req.der), req.signer);
    expect(rep).toMatchObject({
      pkiStatus: '2',
      failInfo: '2',
      failInfoText: 'The CSR subject CN contains a control character (U+0000) at position 17',
    });
    expect(rep.certificates).toHaveLength(0);
    expect((await t.store.certificates.list({ profileId: profile.id })).items).toHaveLength(0);
  });

  it('When a PKCSReq subject carries a right-to-left override, Then FAILURE badRequest; the clean name enrols', async () => {
    const { profile, challenge } = await t.scepProfile(corpOnly);
    const bidi = t.pkcsReq({ challenge, subject: 'CN=dev.corp.example.com, OU=\u202Egnp.exe' });
    expect(readCertRep(await t.send(profile.name, bidi.der), bidi.signer)).toMatchObject({
      pkiStatus: '2',
      failInfo: '2',
      failInfoText: 'The CSR subject OU contains a bidirectional control character (U+202E) at position 1',
    });
    const clean = t.pkcsReq({ challenge, subject: 'CN=dev.corp.example.com' });
    expect(readCertRep(await t.send(profile.name, clean.der), clean.signer).pkiStatus).toBe('0');
  });
});
