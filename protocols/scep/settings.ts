/**
 * A profile's SCEP settings with the defaults filled in: profiles stored before the settings
 * existed, or created with a partial `scep` object, still get every field.
 */
import { defaultScepSettings, type Profile, type ScepSettings } from '../../src/core/profiles/profile.js';

export function scepSettingsOf(profile: Profile | null): ScepSettings {
  return { ...defaultScepSettings(), ...(profile?.scep ?? {}) };
}
