import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import { defaultProfileSettings, type Profile, type ProfileStatus } from './profile.js';
import { settingsFrom, type ProfileSettingsPatch } from './settings.js';

/** draft → active ⇄ disabled; a disabled profile may be edited and re-activated, never drafted again. */
const lifecycle: Record<ProfileStatus, readonly ProfileStatus[]> = {
  draft: ['active', 'disabled'],
  active: ['disabled'],
  disabled: ['active'],
};

export async function createProfile(
  deps: { store: Store; clock: Clock },
  input: { name: string; actor: string; status?: ProfileStatus; settings?: ProfileSettingsPatch },
): Promise<Profile> {
  const name = input.name.trim();
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/i.test(name)) {
    throw new CoreError(
      'invalid_input',
      'A profile name is 1–63 letters, digits, dots, dashes or underscores',
      {
        details: { field: 'name' },
      },
    );
  }
  const now = deps.clock.now();
  const profile: Profile = {
    ...settingsFrom(defaultProfileSettings(), input.settings),
    id: randomUUID(),
    name,
    status: input.status ?? 'draft',
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.transaction(async (tx) => {
    await tx.profiles.create(profile);
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'profile.created',
      targetType: 'profile',
      targetId: profile.id,
      data: { name, status: profile.status },
    });
  });
  return profile;
}

export async function setProfileStatus(
  deps: { store: Store; clock: Clock },
  input: { profileId: string; status: ProfileStatus; actor: string },
): Promise<Profile> {
  return deps.store.transaction(async (tx) => {
    const profile = await tx.profiles.get(input.profileId);
    if (!profile) throw new CoreError('not_found', 'No such profile');
    if (!lifecycle[profile.status].includes(input.status)) {
      throw new CoreError('invalid_state', `A ${profile.status} profile cannot become ${input.status}`);
    }
    const updated = { ...profile, status: input.status, updatedAt: deps.clock.now() };
    await tx.profiles.update(updated);
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: `profile.${input.status === 'active' ? 'activated' : 'disabled'}`,
      targetType: 'profile',
      targetId: profile.id,
      data: { from: profile.status },
    });
    return updated;
  });
}

/** First start: a default active profile, so that every face can enrol out of the box. */
export async function ensureDefaultProfile(
  deps: { store: Store; clock: Clock },
  name: string,
): Promise<Profile | null> {
  if (await deps.store.profiles.getByName(name)) return null;
  return createProfile(deps, {
    name,
    actor: 'system',
    status: 'active',
    settings: { description: 'Created on first start: TLS server and client certificates, no approval' },
  });
}
