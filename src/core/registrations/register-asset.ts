import { randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import type { EnrollmentCode } from '../codes/code.js';
import type { EnrollmentCodes } from '../codes/codes.js';
import { resolveProfile } from '../enrollment/submit.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';

export interface Registration {
  protocol: 'acme' | 'scep';
  code: EnrollmentCode;
  /** The EAB HMAC key (base64url, RFC 8555 §7.3.4) or the SCEP challengePassword; shown here. */
  secret: string;
}

/**
 * Smart ID "Enroll ACME/SCEP profile" for an asset: creates the enrolment code the device will
 * present (an ACME External Account Binding key whose key id is the code id, or a SCEP challenge),
 * bound to the profile and the asset, so that what it enrols is related to the asset.
 */
export async function registerAsset(
  deps: { store: Store; clock: Clock; codes: EnrollmentCodes },
  input: {
    assetId: string;
    profile: string;
    protocol: 'acme' | 'scep';
    actor: string;
    singleUse?: boolean;
    showable?: boolean;
  },
): Promise<Registration> {
  const profile = await resolveProfile(deps.store, input.profile);
  if (profile.status !== 'active')
    throw new CoreError('profile_not_active', `Profile "${profile.name}" is ${profile.status}`);
  if (!profile.protocols.includes(input.protocol)) {
    throw new CoreError('protocol_not_allowed', `Profile "${profile.name}" does not allow ${input.protocol}`);
  }
  const asset = await deps.store.assets.get(input.assetId);
  if (!asset) throw new CoreError('not_found', 'No such asset');
  if (asset.status !== 'active') throw new CoreError('invalid_state', `Asset "${asset.name}" is inactive`);
  const acme = input.protocol === 'acme';
  const { code, secret } = await deps.codes.create({
    profile,
    assetId: asset.id,
    purpose: acme ? 'acme-eab' : 'scep-challenge',
    actor: input.actor,
    singleUse: input.singleUse ?? true,
    // An EAB key must stay readable to check the binding's MAC; a SCEP challenge is viewable unless
    // the admin asks for show-once.
    showable: acme ? true : (input.showable ?? true),
    // 256 bits: an HMAC-SHA256 key for EAB, a long challenge for SCEP.
    secret: randomBytes(32).toString('base64url'),
  });
  await deps.store.transaction(async (tx) => {
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'asset.registered',
      targetType: 'asset',
      targetId: asset.id,
      data: { protocol: input.protocol, profileId: profile.id, codeId: code.id },
    });
  });
  return { protocol: input.protocol, code, secret };
}
