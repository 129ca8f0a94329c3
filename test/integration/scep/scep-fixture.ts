/** A core on a real store with the SCEP service over it, for the SCEP integration tests. */
import { testCore, type TestCore } from '../../helpers/core.js';
import type { TestDialect } from '../../helpers/db.js';
import { ScepService } from '../../../protocols/scep/service.js';
import type { ProfileSettings } from '../../../src/core/profiles/profile.js';
import { defaultScepSettings } from '../../../src/core/profiles/profile.js';
import { selfSignedSigner, type ClientIdentity } from '../../helpers/scep-client.js';

export interface ScepFixture extends TestCore {
  service: ScepService;
  /** A fresh SCEP profile with a static challenge "secret-<name>". */
  scepProfile(
    settings?: Partial<ProfileSettings> & { scepOverrides?: Partial<ProfileSettings['scep']> },
  ): Promise<{ profile: Awaited<ReturnType<TestCore['profile']>>; challenge: string }>;
  signer: ClientIdentity;
}

let counter = 0;

export async function scepFixture(dialect: TestDialect): Promise<ScepFixture> {
  const t = await testCore(dialect);
  const ra = await t.ca.scepRa();
  const service = new ScepService({
    core: t.core,
    ra: { certificatePem: ra.certificatePem, privateKey: ra.privateKey, chainPem: t.ca.caChain() },
  });
  return {
    ...t,
    service,
    signer: selfSignedSigner(),
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
