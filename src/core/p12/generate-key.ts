import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyPolicy } from '../profiles/profile.js';

const generate = promisify(generateKeyPair);

/** The key pair a P12 enrolment makes, per the profile's keyPolicy.generate. */
export async function generateP12Key(
  kind: KeyPolicy['generate'],
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (kind) {
    case 'ec-p256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'ec-p384':
      return generate('ec', { namedCurve: 'P-384' });
    case 'rsa-2048':
      return generate('rsa', { modulusLength: 2048 });
    case 'rsa-3072':
      return generate('rsa', { modulusLength: 3072 });
    case 'rsa-4096':
      return generate('rsa', { modulusLength: 4096 });
  }
}
