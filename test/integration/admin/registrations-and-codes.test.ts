/**
 * Smart ID "Enroll ACME/SCEP profile" for an asset and TLM's enrolment-code actions: the registration
 * returns the directory or SCEP URL with the EAB key or challenge; the code can be viewed (with its
 * URL), reset once expired, unlocked with a reason once locked, and revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { adminHarness, urls, type AdminHarness } from './harness.js';

describe.each(dialects)('ACME and SCEP registration and enrolment codes on %s', (dialect) => {
  let h: AdminHarness;
  let assetId: string;
  let profileId: string;

  beforeAll(async () => {
    h = await adminHarness(dialect);
    profileId = (
      await h.api
        .post('/api/v1/profiles')
        .set(h.as('root'))
        .send({
          name: 'devices',
          status: 'active',
          settings: { codePolicy: { ttlHours: 24, maxAttempts: 3 } },
        })
        .expect(201)
    ).body.id;
    await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({ name: 'no-scep', status: 'active', settings: { protocols: ['acme', 'p10'] } })
      .expect(201);
    assetId = (
      await h.api
        .post('/api/v1/assets')
        .set(h.as('alice'))
        .send({ name: 'router-9', dnsNames: 'router-9.example.net' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => h.cleanup());

  const post = (user: keyof AdminHarness['tokens'], path: string, body: object = {}) =>
    h.api.post(`/api/v1${path}`).set(h.as(user)).send(body);
  const get = (user: keyof AdminHarness['tokens'], path: string) =>
    h.api.get(`/api/v1${path}`).set(h.as(user));

  it('When an asset is registered for ACME, Then the answer has the profile directory URL and an EAB key id and HMAC key that the code holds', async () => {
    const res = await post('alice', `/assets/${assetId}/registrations`, {
      protocol: 'acme',
      profile: 'devices',
    }).expect(201);
    expect(res.body).toMatchObject({
      protocol: 'acme',
      directoryUrl: `${urls.https}/acme/devices/directory`,
      code: { purpose: 'acme-eab', assetId, profileId, status: 'active', showable: true },
    });
    expect(res.body.eab.kid).toBe(res.body.code.id);
    expect(Buffer.from(res.body.eab.hmacKey, 'base64url')).toHaveLength(32);
    const code = await h.store.codes.get(res.body.eab.kid);
    expect(code?.secretHash).not.toContain(res.body.eab.hmacKey);
    expect(await h.core.codes.reveal(res.body.eab.kid)).toBe(res.body.eab.hmacKey);
  });

  it('When an asset is registered for SCEP, Then the answer has the SCEP URL and a challenge that redeems for the profile', async () => {
    const res = await post('alice', `/assets/${assetId}/registrations`, {
      protocol: 'scep',
      profile: 'devices',
    }).expect(201);
    expect(res.body).toMatchObject({
      protocol: 'scep',
      scepUrl: `${urls.http}/scep/devices`,
      code: { purpose: 'scep-challenge', assetId },
    });
    const redeemed = await h.core.codes.redeemBySecret(profileId, res.body.challenge, 'scep-client');
    expect(redeemed.assetId).toBe(assetId);
    const refused = await post('alice', `/assets/${assetId}/registrations`, {
      protocol: 'scep',
      profile: 'no-scep',
    }).expect(422);
    expect(refused.body.code).toBe('protocol_not_allowed');
    await post('bob', `/assets/${assetId}/registrations`, { protocol: 'scep', profile: 'devices' }).expect(
      403,
    );
  });

  it('When a code expires, Then it shows as expired and reset reactivates it', async () => {
    const res = await post('alice', `/assets/${assetId}/registrations`, {
      protocol: 'scep',
      profile: 'devices',
      singleUse: false,
    }).expect(201);
    const id = res.body.code.id as string;
    h.clock.advance(25 * 3_600_000);
    expect((await get('dave', `/codes/${id}`).expect(200)).body).toMatchObject({
      expired: true,
      status: 'active',
    });
    await expect(h.core.codes.redeemBySecret(profileId, res.body.challenge, 'device')).rejects.toMatchObject({
      code: 'code_expired',
    });
    const reset = await post('alice', `/codes/${id}/reset`).expect(200);
    expect(reset.body).toMatchObject({ expired: false, status: 'active', url: `${urls.http}/scep/devices` });
    await h.core.codes.redeemBySecret(profileId, res.body.challenge, 'device');
  });

  it('When a code is locked by wrong attempts, Then unlock needs a reason and reopens it; view shows code and URL; revoke ends it', async () => {
    const res = await post('alice', `/assets/${assetId}/registrations`, {
      protocol: 'acme',
      profile: 'devices',
    }).expect(201);
    const id = res.body.code.id as string;
    for (let i = 0; i < 3; i++) {
      await h.core.codes.redeem(id, 'wrong', 'attacker').catch(() => undefined);
    }
    expect((await get('alice', `/codes/${id}`).expect(200)).body).toMatchObject({
      status: 'locked',
      failedAttempts: 3,
    });
    const noReason = await post('alice', `/codes/${id}/unlock`, {}).expect(400);
    expect(noReason.body.code).toBe('invalid_input');
    const unlocked = await post('alice', `/codes/${id}/unlock`, {
      reason: 'device owner called the help desk',
    }).expect(200);
    expect(unlocked.body).toMatchObject({ status: 'active', failedAttempts: 0 });
    await post('alice', `/codes/${id}/unlock`, { reason: 'again' }).expect(409);

    await get('dave', `/codes/${id}/secret`).expect(403);
    const shown = await get('alice', `/codes/${id}/secret`).expect(200);
    expect(shown.body).toEqual({
      id,
      code: res.body.eab.hmacKey,
      url: `${urls.https}/acme/devices/directory`,
    });

    const listed = await get('dave', `/codes?assetId=${assetId}&purpose=acme-eab`).expect(200);
    expect(listed.body.items.length).toBe(2);
    expect(JSON.stringify(listed.body)).not.toContain(res.body.eab.hmacKey);

    await post('alice', `/codes/${id}/revoke`).expect(200);
    await expect(h.core.codes.redeem(id, res.body.eab.hmacKey, 'x')).rejects.toMatchObject({
      code: 'code_revoked',
    });

    const trail = await get('dave', `/audit?targetType=code&targetId=${id}`).expect(200);
    expect(trail.body.items.map((e: { action: string }) => e.action)).toEqual([
      'code.created',
      'code.failed-attempt',
      'code.failed-attempt',
      'code.locked',
      'code.unlocked',
      'code.viewed',
      'code.revoked',
    ]);
    expect(trail.body.items[4].data).toEqual({ reason: 'device owner called the help desk' });
    const assetTrail = await get('dave', `/audit?assetId=${assetId}&action=asset.registered`).expect(200);
    expect(assetTrail.body.items.length).toBe(4);
  });

  it('When a show-once SCEP challenge is asked for again, Then it is not stored and cannot be viewed', async () => {
    const res = await post('alice', `/assets/${assetId}/registrations`, {
      protocol: 'scep',
      profile: 'devices',
      showable: false,
    }).expect(201);
    expect(res.body.code.showable).toBe(false);
    const view = await get('alice', `/codes/${res.body.code.id}/secret`).expect(404);
    expect(view.body.code).toBe('not_found');
  });
});
