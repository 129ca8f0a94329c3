import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import type { Profile } from './profile.js';
import { settingsFrom, type ProfileSettingsPatch } from './settings.js';

/**
 * Edits a profile's settings (or its name). Each settings group given (keyPolicy, domainPolicy,
 * approval, …) is merged key by key onto the profile's as it is in this transaction; requests already
 * submitted keep what they were decided under.
 */
export async function updateProfile(
  deps: { store: Store; clock: Clock },
  input: { profileId: string; actor: string; name?: string; settings: ProfileSettingsPatch },
): Promise<Profile> {
  return deps.store.transaction(async (tx) => {
    const profile = await tx.profiles.get(input.profileId);
    if (!profile) throw new CoreError('not_found', 'No such profile');
    const name = input.name?.trim() ?? profile.name;
    if (!/^[a-z0-9][a-z0-9._-]{0,62}$/i.test(name)) {
      throw new CoreError(
        'invalid_input',
        'A profile name is 1–63 letters, digits, dots, dashes or underscores',
        {
          details: { field: 'name' },
        },
      );
    }
    const updated: Profile = {
      ...profile,
      ...settingsFrom(profile, input.settings),
      name,
      updatedAt: deps.clock.now(),
    };
    await tx.profiles.update(updated);
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'profile.updated',
      targetType: 'profile',
      targetId: profile.id,
      data: { fields: [...Object.keys(input.settings), ...(input.name ? ['name'] : [])].sort() },
    });
    return updated;
  });
}
