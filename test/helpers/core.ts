import { randomBytes } from 'node:crypto';
import { LocalCa } from '../../ca/local/local-ca.js';
import { Core } from '../../src/core/core.js';
import type { Clock } from '../../src/core/ports.js';
import type { Profile, ProfileSettings } from '../../src/core/profiles/profile.js';
import { deriveKeys } from '../../src/core/secrets/keys.js';
import type { KnexStore } from '../../src/store/knex-store.js';
import { testStore, type TestDialect } from './db.js';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = Math.floor(Date.now() / 1000) * 1000) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

export interface TestCore {
  core: Core;
  store: KnexStore;
  ca: LocalCa;
  clock: ManualClock;
  /** Creates an active profile (approval off unless the settings say so). */
  profile(settings?: Partial<ProfileSettings>, name?: string): Promise<Profile>;
  cleanup(): Promise<void>;
}

/** A core on a real store of `dialect` and a real local CA persisted in that store. */
export async function testCore(dialect: TestDialect): Promise<TestCore> {
  const { store, cleanup } = await testStore(dialect);
  const clock = new ManualClock();
  const keys = deriveKeys(randomBytes(32));
  const ca = await LocalCa.open({
    store: store.caStore,
    passphrase: keys.caPassphrase,
    keyAlgorithm: 'ecdsa-p256',
    commonName: 'Core Test',
    rootValidityDays: 3650,
    issuingValidityDays: 1825,
    crlValidityHours: 24,
    crlUrl: 'http://localhost:8080/crl/issuing.crl',
    caIssuersUrl: 'http://localhost:8080/ca/issuing.crt',
  });
  const core = new Core({ store, ca, clock, keys });
  let n = 0;
  return {
    core,
    store,
    ca,
    clock,
    profile: (settings = {}, name = `profile-${++n}`) =>
      core.createProfile({ name, actor: 'admin', status: 'active', settings }),
    cleanup,
  };
}
